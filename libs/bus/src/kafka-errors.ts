import { BusError, describeError, type BusErrorCode } from './errors.js';

/** The fields of a kafkajs error we read; kafkajs errors are matched by shape, not by class. */
interface KafkaJsLikeError {
  name: string;
  message: string;
  retriable?: boolean;
  type?: string;
  cause?: unknown;
  errors?: unknown[];
}

function isKafkaJsError(err: unknown): err is KafkaJsLikeError {
  return err instanceof Error && err.name.startsWith('KafkaJS');
}

/** The innermost kafkajs error: `KafkaJSNumberOfRetriesExceeded` wraps the one that kept happening. */
function rootCause(err: KafkaJsLikeError): KafkaJsLikeError {
  let current = err;
  for (let depth = 0; depth < 5 && isKafkaJsError(current.cause); depth++) current = current.cause;
  return current;
}

function codeFor(root: KafkaJsLikeError): BusErrorCode {
  if (root.type === 'UNKNOWN_TOPIC_OR_PARTITION') return 'unknown-topic';
  if (/Connection|BrokerNotFound|ECONNREFUSED|ECONNRESET/i.test(`${root.name} ${root.message}`)) return 'connection';
  if (/Timeout/i.test(root.name) || root.type === 'REQUEST_TIMED_OUT') return 'timeout';
  return 'broker';
}

/**
 * Translates an error from kafkajs into a {@link BusError} with context. Retriable when the
 * underlying failure is (a broker that went away, a leader election, a timeout), even when
 * kafkajs gave up retrying it itself: a later attempt may well succeed.
 */
export function translateKafkaError(err: unknown, what: string, topic?: string): BusError {
  if (err instanceof BusError) return err;
  if (!isKafkaJsError(err)) {
    return new BusError('broker', `${what}: ${describeError(err)}`, { retriable: true, topic, cause: err });
  }
  const root = rootCause(err);
  const code = codeFor(root);
  const aggregate = Array.isArray(err.errors) ? err.errors : undefined;
  const retriable =
    code === 'connection' || code === 'timeout' || code === 'unknown-topic' || root.retriable === true || err.retriable === true ||
    (aggregate !== undefined && aggregate.every((e) => isKafkaJsError(e) && e.retriable === true));
  const detail = root === err ? describeError(err) : `${describeError(err)} (caused by ${describeError(root)})`;
  return new BusError(code, `${what}: ${detail}`, { retriable, topic, cause: err });
}
