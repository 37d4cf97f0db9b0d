import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Topics, type Topic } from '@ratchet/contracts';
import { BufferedPublisher, type EventBus, createKafkaBus, createMemoryBus } from '@ratchet/bus';
import type { PredictionSink } from '@ratchet/prediction';
import { type Env, type LogFormat, type LogLevel, type Logger, type Telemetry, createLogger, loadBusConfig, startTelemetry } from '@ratchet/service-kit';

/** The topics every Ratchet process may touch; created at start so publishes never race a subscribe. */
export const allTopics: readonly Topic<unknown>[] = Object.values(Topics) as Topic<unknown>[];

/** Where {@link openBus} connects; each field defaults to its environment variable. */
export interface OpenBusOptions {
  readonly logger?: Logger | undefined;
  /** Kafka bootstrap servers, comma-separated; empty means the in-memory bus. Default `KAFKA_BROKERS`. */
  readonly brokers?: string | undefined;
  /** The deployment's namespace on the broker (ignored by the in-memory bus). Default `RATCHET_TOPIC_PREFIX`. */
  readonly topicPrefix?: string | undefined;
  /** Where the defaults are read from. Default `process.env`. */
  readonly env?: Env;
}

/**
 * Opens the event bus every command and service uses: Kafka when brokers are given (by default
 * `KAFKA_BROKERS`), under the topic prefix of the deployment (`RATCHET_TOPIC_PREFIX`), otherwise
 * the in-memory bus; creates the registry's topics. A bad variable fails with its name
 * (`ConfigError`) before anything connects.
 */
export async function openBus(clientId: string, options: OpenBusOptions = {}): Promise<EventBus> {
  const fromEnv = options.brokers !== undefined && options.topicPrefix !== undefined ? undefined : loadBusConfig(options.env);
  const brokers = options.brokers ?? fromEnv?.KAFKA_BROKERS?.join(',') ?? '';
  const topicPrefix = options.topicPrefix ?? fromEnv?.RATCHET_TOPIC_PREFIX ?? '';
  const { logger } = options;
  const bus = brokers
    ? createKafkaBus({ brokers, clientId, topicPrefix, ...(logger ? { logger: logger.child({ component: 'kafka' }) } : {}) })
    : createMemoryBus();
  await bus.ensureTopics(allTopics);
  return bus;
}

/** A prediction sink that never blocks: records wait in a bounded buffer until the bus takes them. */
export function bufferedPredictionSink(bus: EventBus, capacity: number, logger?: Logger): PredictionSink & { publisher: BufferedPublisher } {
  const publisher = new BufferedPublisher(bus, { capacity, ...(logger ? { logger: logger.child({ component: 'prediction-log' }) } : {}) });
  return {
    publisher,
    offer: (record) => void publisher.offer(Topics.predictions, record),
    get counters() {
      return publisher.counters;
    },
  };
}

/** Starts tracing: OTLP when an endpoint is configured, else a local JSON-lines file. */
export function startTracing(serviceName: string, traceFile: string, otlpEndpoint?: string): Telemetry {
  if (otlpEndpoint) {
    const url = otlpEndpoint.endsWith('/v1/traces') ? otlpEndpoint : `${otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    return startTelemetry({ serviceName, exporter: { kind: 'otlp', url } });
  }
  mkdirSync(dirname(traceFile), { recursive: true });
  return startTelemetry({ serviceName, exporter: { kind: 'file', path: traceFile } });
}

/** The process logger. */
export function processLogger(name: string, level: LogLevel, format: LogFormat): Logger {
  return createLogger({ name, level, format, stream: process.stderr });
}
