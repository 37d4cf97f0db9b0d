import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Topics, type Topic } from '@ratchet/contracts';
import { BufferedPublisher, type EventBus, createKafkaBus, createMemoryBus } from '@ratchet/bus';
import type { PredictionSink } from '@ratchet/prediction';
import { type LogFormat, type LogLevel, type Logger, type Telemetry, createLogger, startTelemetry } from '@ratchet/service-kit';

/** The topics every Ratchet process may touch; created at start so publishes never race a subscribe. */
export const allTopics: readonly Topic<unknown>[] = Object.values(Topics) as Topic<unknown>[];

/** Opens the event bus: Kafka when KAFKA_BROKERS is set, otherwise the in-memory bus. */
export async function openBus(clientId: string, logger?: Logger, brokers = process.env.KAFKA_BROKERS): Promise<EventBus> {
  const bus = brokers
    ? createKafkaBus({ brokers, clientId, ...(logger ? { logger: logger.child({ component: 'kafka' }) } : {}) })
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
