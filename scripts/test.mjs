#!/usr/bin/env node
// The whole test suite: makes sure Debian's chromium is there (dashboard browser test), starts a
// real Kafka broker (KRaft, jars from Maven Central) on a test port, runs lint, typecheck and
// every project's tests through Nx with KAFKA_BROKERS set, and stops the broker whatever happens. Extra arguments go to `nx run-many` (e.g. -p @ratchet/bus).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaDown, kafkaUp } from '@ratchet/kafka-broker';

const port = Number(process.env.RATCHET_TEST_KAFKA_PORT ?? 19092);
const external = process.env.KAFKA_BROKERS;
const dataDir = external ? undefined : await mkdtemp(join(tmpdir(), 'ratchet-test-kafka-'));
const brokerOptions = { port, controllerPort: port + 1, dataDir };

let code = 1;
try {
  // The monitor dashboard's browser test drives Debian's chromium (installed if missing).
  const chromium = spawnSync('bash', ['scripts/ensure-chromium.sh'], { stdio: 'inherit' });
  if (chromium.status !== 0) throw new Error('scripts/ensure-chromium.sh failed: the dashboard test needs /usr/bin/chromium');
  if (!external) {
    const t0 = Date.now();
    await kafkaUp(brokerOptions);
    process.stdout.write(`test: Kafka broker up on 127.0.0.1:${port} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const env = { ...process.env, KAFKA_BROKERS: external ?? `127.0.0.1:${port}`, NX_DAEMON: 'false', CI: process.env.CI ?? 'true' };
  const args = ['nx', 'run-many', '-t', 'lint', 'typecheck', 'test', '--outputStyle=static', '--parallel=2', ...process.argv.slice(2)];
  code = await new Promise((resolve) => {
    const child = spawn('npx', args, { stdio: 'inherit', env });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} catch (err) {
  process.stderr.write(`test: ${err instanceof Error ? err.message : String(err)}\n`);
  code = 1;
} finally {
  if (!external) {
    await kafkaDown(brokerOptions).catch((err) => process.stderr.write(`test: stopping Kafka failed: ${err}\n`));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}
process.exit(code);
