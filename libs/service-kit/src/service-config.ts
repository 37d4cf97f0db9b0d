import { commaList, logLevel, oneOf, text } from './config.js';

/**
 * Environment variables every Ratchet service reads — where the registry lives, the broker, logs
 * and traces — to spread into a service's own schema: `z.object({ ...commonServiceConfig, … })`.
 * `KAFKA_BROKERS` unset means the service runs without a broker (what that implies is the
 * service's to say).
 */
export const commonServiceConfig = {
  /** Model registry folder, shared by publishers and services. */
  RATCHET_REGISTRY: text().default('./var/registry'),
  /** Kafka bootstrap servers, comma-separated. */
  KAFKA_BROKERS: commaList().optional(),
  RATCHET_LOG_LEVEL: logLevel().default('info'),
  RATCHET_LOG_FORMAT: oneOf(['json', 'pretty'] as const).default('json'),
  /** Local JSON-lines span file; OTEL_EXPORTER_OTLP_ENDPOINT sends spans to a collector instead. */
  RATCHET_TRACE_FILE: text().default('./var/traces.jsonl'),
  OTEL_EXPORTER_OTLP_ENDPOINT: text().optional(),
} as const;
