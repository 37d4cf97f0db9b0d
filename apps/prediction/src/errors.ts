import { status as GrpcStatus } from '@grpc/grpc-js';

/** A request that cannot be served, with the gRPC status that says why. */
export class InferenceError extends Error {
  constructor(
    readonly code: GrpcStatus,
    message: string,
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

export const invalidArgument = (message: string) => new InferenceError(GrpcStatus.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new InferenceError(GrpcStatus.NOT_FOUND, message);
export const unavailable = (message: string) => new InferenceError(GrpcStatus.UNAVAILABLE, message);

/** Name of a gRPC status code, e.g. `INVALID_ARGUMENT`, for metrics labels and logs. */
export function statusName(code: GrpcStatus): string {
  return GrpcStatus[code] ?? String(code);
}
