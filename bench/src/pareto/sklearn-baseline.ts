/**
 * scikit-learn's HistGradientBoostingClassifier as a timing baseline, in a venv under
 * bench/.venv (created with `python3 -m venv` and pip on first use; bench only, never in
 * Ratchet's runtime path).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const venv = join(benchDir, '.venv');
const python = join(venv, 'bin', 'python');
const pythonDir = join(benchDir, 'python');

/** Matched HistGradientBoostingClassifier settings (early stopping always off). */
export interface HistGbdtSettings {
  readonly max_iter: number;
  readonly learning_rate: number;
  readonly max_leaf_nodes: number;
  readonly max_depth: number;
  readonly min_samples_leaf: number;
  readonly l2_regularization: number;
  readonly max_bins: number;
  readonly repeats: number;
}

/** What the Python script reports. */
export interface HistGbdtTiming {
  readonly fit_seconds: number[];
  readonly train_accuracy: number;
  readonly n_iter: number;
  readonly n_threads: number;
  readonly sklearn: string;
}

/** Creates bench/.venv and installs bench/python/requirements.txt unless already done. */
export async function ensureVenv(progress: (line: string) => void): Promise<void> {
  if (existsSync(python)) {
    try {
      await run(python, ['-c', 'import sklearn']);
      return;
    } catch {
      progress('bench/.venv lacks scikit-learn; installing');
    }
  } else {
    progress('creating bench/.venv (python3 -m venv) for the scikit-learn baseline');
    await run('python3', ['-m', 'venv', venv]);
  }
  await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '-r', join(pythonDir, 'requirements.txt')], { maxBuffer: 16 << 20 });
}

/**
 * Times HistGradientBoostingClassifier.fit on exactly the given row-major design matrix.
 * `threads` sets OMP_NUM_THREADS (undefined = scikit-learn's default: all cores).
 */
export async function timeHistGbdt(
  X: Float64Array,
  y: Float64Array,
  nFeatures: number,
  settings: HistGbdtSettings,
  threads?: number,
): Promise<HistGbdtTiming> {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-sklearn-'));
  try {
    const xPath = join(dir, 'X.f64');
    const yPath = join(dir, 'y.f64');
    await writeFile(xPath, new Uint8Array(X.buffer, X.byteOffset, X.byteLength));
    await writeFile(yPath, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    const env = { ...process.env, ...(threads !== undefined ? { OMP_NUM_THREADS: String(threads) } : {}) };
    const { stdout } = await run(
      python,
      [join(pythonDir, 'hist_gbdt_fit_time.py'), xPath, yPath, String(y.length), String(nFeatures), JSON.stringify(settings)],
      { env, maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as HistGbdtTiming;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
