import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/** A gRPC status error ready to hand to a unary callback or `call.destroy`/`call.emit('error')`. */
export interface GrpcError extends ServiceError {
  readonly code: status;
  readonly details: string;
  readonly metadata: Metadata;
  /** Whether the caller may retry the same request and expect a different outcome. */
  readonly retriable: boolean;
}

const RETRIABLE: ReadonlySet<status> = new Set([status.UNAVAILABLE, status.RESOURCE_EXHAUSTED, status.ABORTED, status.DEADLINE_EXCEEDED]);

/**
 * Whether a status is worth retrying: the transient ones from gRPC's status code guide
 * (UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED, DEADLINE_EXCEEDED). INTERNAL and UNKNOWN are not:
 * retrying a bug repeats it.
 */
export function isRetriableGrpcStatus(code: status): boolean {
  return RETRIABLE.has(code);
}

/**
 * Builds a `ServiceError`-shaped error for a gRPC handler, e.g.
 * `callback(grpcError(status.NOT_FOUND, 'model "churn" version 3 not found'))`.
 * The message goes to the client as the status details, so put the ids it needs in it.
 */
export function grpcError(code: status, message: string, { metadata = new Metadata(), cause }: { metadata?: Metadata; cause?: unknown } = {}): GrpcError {
  if (!Number.isInteger(code) || status[code] === undefined) throw new RangeError(`grpcError: unknown gRPC status code ${code}`);
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = `GrpcError[${status[code]}]`;
  return Object.assign(error, { code, details: message, metadata, retriable: isRetriableGrpcStatus(code) });
}
