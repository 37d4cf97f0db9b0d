import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { startTelemetry, type Telemetry } from '../telemetry.js';

/**
 * For specs: a fresh temp folder per test and telemetry that writes finished spans to a file in
 * it (simple processor, so a span is on disk when it ends); both are cleaned up after each test.
 */
export function useFileTelemetry(prefix: string, fileName = 'spans.jsonl') {
  let dir = '';
  let telemetry: Telemetry | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  const stop = async () => {
    await telemetry?.shutdown();
    telemetry = undefined;
  };
  afterEach(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    /** This test's temp folder. */
    get dir(): string {
      return dir;
    },
    /** Starts telemetry exporting to `path` (default: `fileName` in this test's folder). */
    start(path = join(dir, fileName)): { telemetry: Telemetry; path: string } {
      telemetry = startTelemetry({ serviceName: 'prediction', exporter: { kind: 'file', path }, processor: 'simple' });
      return { telemetry, path };
    },
    /** Shuts `t` down after the test (for telemetry a test starts itself). */
    track(t: Telemetry): Telemetry {
      telemetry = t;
      return t;
    },
    /** Shuts the tracked telemetry down now. */
    stop,
  };
}
