import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { silentLogger, stderrLogger } from '../logger.js';
import type { KafkaBusOptions } from '../kafka-bus.js';

/**
 * The broker for integration tests, from `KAFKA_BROKERS`. Missing is an error, not a skip: a
 * green run must mean the Kafka paths were exercised.
 */
export function requireKafkaBrokers(): string {
  const brokers = process.env.KAFKA_BROKERS?.trim();
  if (!brokers) {
    throw new Error(
      'KAFKA_BROKERS is not set: integration tests need a broker. Start one with ' +
        '`node infra/kafka/kafka.mjs up --port 19092` and export KAFKA_BROKERS=127.0.0.1:19092, or run `npm test`.',
    );
  }
  return brokers;
}

/** Bus options tuned for tests: fast heartbeats so rebalances take well under a second or two. */
export function testKafkaOptions(brokers: string): KafkaBusOptions {
  return {
    brokers,
    clientId: 'ratchet-bus-test',
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 10_000,
    fetchMaxWaitMs: 200,
    logger: process.env.BUS_TEST_LOG ? stderrLogger('warn', 'bus-test') : silentLogger,
  };
}

/** What the integration tests use of infra/kafka/kafka.mjs (typed in full by kafka.d.mts). */
export interface BrokerControl {
  kafkaUp(options: { port: number; controllerPort: number; dataDir: string }): Promise<{ brokers: string }>;
  kafkaDown(options: { port: number; controllerPort: number; dataDir: string; wipe?: boolean }): Promise<{ stopped: boolean }>;
}

/**
 * Loads the broker script. It is repository tooling rather than a workspace package, so it is
 * loaded by path at run time instead of being imported across the project boundary.
 */
export async function loadBrokerControl(): Promise<BrokerControl> {
  const script = join(dirname(fileURLToPath(import.meta.url)), '../../../../infra/kafka/kafka.mjs');
  return (await import(pathToFileURL(script).href)) as BrokerControl;
}
