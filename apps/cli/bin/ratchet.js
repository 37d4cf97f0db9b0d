#!/usr/bin/env node
// Entry of the `ratchet` command: runs the compiled CLI (npm run build compiles it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('ratchet: the CLI is not built yet; run `npm run build` in the repository root first\n');
  process.exit(2);
}
await import(pathToFileURL(main).href);
