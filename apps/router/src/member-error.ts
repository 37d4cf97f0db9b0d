import { status } from '@grpc/grpc-js';
import { isRetriableGrpcStatus } from '@ratchet/service-kit';
import { InvalidOutputError } from './output-check.js';

/** Why one member could not answer: a gRPC status name, INVALID_OUTPUT or CIRCUIT_OPEN. */
export class MemberError extends Error {
  readonly retriable: boolean;

  constructor(
    /** gRPC status the client would get if nothing else answers. */
    readonly code: status,
    /** OK-style outcome label for route records and metrics. */
    readonly outcome: string,
    message: string,
    /** `model@version` of the member. */
    readonly member: string,
    readonly options: { clientFault?: boolean; skipped?: boolean; version?: string } = {},
  ) {
    super(message);
    this.name = 'MemberError';
    this.retriable = isRetriableGrpcStatus(code) || outcome === 'INVALID_OUTPUT';
  }

  /** The request itself is wrong (INVALID_ARGUMENT): another member would refuse it too. */
  get clientFault(): boolean {
    return this.options.clientFault ?? false;
  }
}

function grpcCode(err: unknown): status | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && status[code] !== undefined ? code : undefined;
}

/** Translates what a member call threw into a {@link MemberError} with context. */
export function toMemberError(err: unknown, member: string, deadlineMs: number): MemberError {
  if (err instanceof MemberError) return err;
  if (err instanceof InvalidOutputError) return new MemberError(status.UNAVAILABLE, 'INVALID_OUTPUT', `${member}: invalid output: ${err.message}`, member);
  const code = grpcCode(err);
  if (code === undefined) {
    return new MemberError(status.INTERNAL, 'INTERNAL', `${member}: ${err instanceof Error ? err.message : String(err)}`, member);
  }
  const details = (err as { details?: string }).details || (err instanceof Error ? err.message : '');
  const name = status[code] as string;
  if (code === status.DEADLINE_EXCEEDED) return new MemberError(code, name, `${member}: no answer within its ${deadlineMs} ms deadline`, member);
  return new MemberError(code, name, `${member}: ${name}: ${details}`, member, { clientFault: code === status.INVALID_ARGUMENT });
}
