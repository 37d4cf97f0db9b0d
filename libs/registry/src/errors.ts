/** Why a registry call failed; `code` lets callers map it to a gRPC status or an exit code. */
export type RegistryErrorCode = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'CORRUPT' | 'IO';

/** An error raised by the model registry, with the model and version it concerns. */
export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryError';
  }
}
