import kafkajs from 'kafkajs';
import type { LogEntry, logCreator } from 'kafkajs';
import type { BusLogger } from './logger.js';

const { logLevel } = kafkajs;

/**
 * kafkajs warns about this on every idempotent producer with bounded retries. The bus bounds
 * them on purpose (a publish must fail while the broker is down so callers can buffer) and
 * restarts the producer after a failed send, trading exactly-once for at-least-once.
 */
const EXPECTED_WARNINGS = [/Limiting retries for the idempotent producer/];

/**
 * Routes kafkajs log lines to a {@link BusLogger}: warnings and errors only (kafkajs logs every
 * connection and group join at INFO), with kafkajs' namespace and fields kept as fields.
 */
export function kafkaLogCreator(logger: BusLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log as LogEntry['log'] & { logger?: string };
      if (EXPECTED_WARNINGS.some((re) => re.test(message))) return;
      // kafkajs logs every error response at ERROR before handling it itself (a rebalance,
      // a topic that already exists); the ones that matter reach us as rejected calls.
      const handledResponse = namespace === 'Connection' && message.startsWith('Response ');
      const line = namespace ? `kafkajs ${namespace}: ${message}` : `kafkajs: ${message}`;
      if (handledResponse) logger.debug(line, fields);
      else if (level === logLevel.ERROR) logger.error(line, fields);
      else if (level === logLevel.WARN) logger.warn(line, fields);
    };
}

/** kafkajs log level matching the adapter: it drops INFO and DEBUG before formatting them. */
export const KAFKAJS_LOG_LEVEL = logLevel.WARN;
