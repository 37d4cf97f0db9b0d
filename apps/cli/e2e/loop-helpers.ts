import { createLogger } from '@ratchet/service-kit';
import { EmbeddedLoop } from '../src/loop/embedded-loop.js';
import { agrawalSource } from '../src/loop/stream-source.js';

/** Sockets, servers and timers the process holds (what keeps a test runner from exiting). */
export function openHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'Timeout').length;
}

/** The broker of Kafka tests; fails (never skips) with what to do when `KAFKA_BROKERS` is unset. */
export function kafkaBrokers(): string {
  const b = process.env['KAFKA_BROKERS'];
  if (!b) throw new Error('KAFKA_BROKERS is not set: start a broker with `npx ratchet kafka up --port 19092` or run `npm test`');
  return b;
}

/** Polls `check` every 20 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts an embedded loop with the small, fast settings the e2e tests share: an Agrawal stream
 * with abrupt drift at row 2,000, free ports, short windows, silent logs.
 */
export function startTestLoop(varDir: string, o: { rows: number; rate: number; name: string }): Promise<EmbeddedLoop> {
  return EmbeddedLoop.start({
    varDir,
    source: agrawalSource({ rows: o.rows, driftAt: 2000, drift: 'abrupt', driftWidth: 500, seed: 1, trainRows: 1500 }),
    rate: o.rate,
    clients: 4,
    labelDelayRows: 100,
    seed: 1,
    grpcPort: 0,
    httpPort: 0,
    countWindow: 400,
    driftWindowRows: 500,
    tickMs: 200,
    logger: createLogger({ name: o.name, level: 'silent' }),
  });
}
