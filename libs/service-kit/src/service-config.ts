import { z } from 'zod';
import { topicPrefixProblem } from '@ratchet/contracts';
import { commaList, type Env, loadConfig, logLevel, oneOf, text } from './config.js';

/**
 * A Kafka topic prefix (`RATCHET_TOPIC_PREFIX`): Kafka topic-name characters `[a-zA-Z0-9._-]`,
 * short enough that every registry topic stays within Kafka's 249 characters (`topicPrefixProblem`
 * in contracts). Trimmed; unset or empty is no prefix.
 */
export function topicPrefix() {
  return z.string().transform((raw, ctx): string => {
    const prefix = raw.trim();
    const problem = topicPrefixProblem(prefix);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return prefix;
  });
}

/**
 * The variables that say which event bus a process talks to: the broker, and the deployment's
 * namespace on it. Services get them through {@link commonServiceConfig}; tools that talk to a
 * deployment's bus without being a service (the CLI) read them with {@link loadBusConfig}, so a
 * deployment and its CLI agree by setting the same two variables.
 */
export const busConfig = {
  /** Kafka bootstrap servers, comma-separated. */
  KAFKA_BROKERS: commaList().optional(),
  /**
   * The deployment's namespace on a shared Kafka cluster: every topic is `<prefix><name>` on the
   * broker (`staging.ratchet.alerts.v1`), every consumer group `<prefix><group>`. Deployments
   * with different prefixes never read each other's records. Default empty: no namespace.
   */
  RATCHET_TOPIC_PREFIX: topicPrefix().default(''),
} as const;

const busConfigSchema = z.object(busConfig);

/** The validated {@link busConfig}. */
export type BusConfig = z.output<typeof busConfigSchema>;

/** Reads and validates {@link busConfig} from the environment; a bad value fails with its variable's name. */
export function loadBusConfig(env?: Env): Readonly<BusConfig> {
  return loadConfig(busConfigSchema, env);
}

/**
 * Environment variables every Ratchet service reads — where the registry lives, the broker and
 * the namespace on it, logs and traces — to spread into a service's own schema:
 * `z.object({ ...commonServiceConfig, … })`. `KAFKA_BROKERS` unset means the service runs
 * without a broker (what that implies is the service's to say).
 */
export const commonServiceConfig = {
  /** Model registry folder, shared by publishers and services. */
  RATCHET_REGISTRY: text().default('./var/registry'),
  ...busConfig,
  RATCHET_LOG_LEVEL: logLevel().default('info'),
  RATCHET_LOG_FORMAT: oneOf(['json', 'pretty'] as const).default('json'),
  /** Local JSON-lines span file; OTEL_EXPORTER_OTLP_ENDPOINT sends spans to a collector instead. */
  RATCHET_TRACE_FILE: text().default('./var/traces.jsonl'),
  OTEL_EXPORTER_OTLP_ENDPOINT: text().optional(),
} as const;
