import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned third-party clients; installed from PyPI into a cache venv, never into Ratchet. */
export const TRITON_CLIENT = 'tritonclient[grpc]==2.73.0';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/**
 * A Python virtualenv holding the third-party OIP clients, under node_modules/.cache so a clean
 * clone builds it once (pip, from PyPI) and later runs reuse it. Returns the venv's python.
 */
export function thirdPartyPython(): string {
  const venv = join(repoRoot, 'node_modules', '.cache', 'ratchet-oip-clients');
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, `.installed-${TRITON_CLIENT.replace(/[^a-z0-9.]+/gi, '_')}`);
  if (!existsSync(marker)) {
    mkdirSync(dirname(venv), { recursive: true });
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', TRITON_CLIENT], {
      stdio: 'inherit',
      timeout: 300_000,
    });
    execFileSync('touch', [marker]);
  }
  return python;
}
