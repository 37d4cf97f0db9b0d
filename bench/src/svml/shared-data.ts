import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Path of a file under the shared data folder `../shared/data` (beside the repository, never
 * copied into it). Fails with a message naming the expected path when the file is missing.
 */
export function sharedDataFile(relative: string): string {
  // This module runs from bench/dist/svml/ (built) or bench/src/svml/: the repository root is three levels up.
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const path = resolve(root, '..', 'shared', 'data', relative);
  if (!existsSync(path)) {
    throw new Error(`bench: data file ${path} is missing; the benchmark reads ../shared/data/${relative} beside the repository (it is never copied into it)`);
  }
  return path;
}
