import { Metadata, type ServiceError, credentials, status } from '@grpc/grpc-js';
import { type Policy, type PolicyUpdated, RouterAdminClient } from '@ratchet/contracts';

/** The router's policy API as far as a rollout needs it (fake it in unit tests). */
export interface RouterAdminPort {
  /** The model's current policy event; undefined when it has none (requests go to its default version). */
  getPolicy(model: string): Promise<PolicyUpdated | undefined>;
  /**
   * Sets the model's policy. With `expectedRevision` > 0 it applies only at that revision and
   * throws {@link PolicyConflictError} otherwise.
   */
  setPolicy(model: string, policy: Policy, o: { expectedRevision: number; updatedBy: string }): Promise<PolicyUpdated>;
  close(): void;
}

/** Someone else changed the policy since we read it (the router answered ABORTED). */
export class PolicyConflictError extends Error {
  readonly retriable = false;
  constructor(readonly model: string, message: string) {
    super(`policy of '${model}' changed concurrently: ${message}`);
    this.name = 'PolicyConflictError';
  }
}

/** A router admin call that failed for another reason than a conflict; a retry may help when the router was unreachable. */
export class RouterAdminError extends Error {
  constructor(readonly model: string, readonly code: number, message: string, readonly retriable: boolean) {
    super(`router admin call for '${model}' failed: ${status[code] ?? code}: ${message}`);
    this.name = 'RouterAdminError';
  }
}

type Unary<Req, Res> = (req: Req, cb: (err: ServiceError | null, res: Res) => void) => unknown;

/** The port over the router's `ratchet.v1.RouterAdmin` gRPC service at `address` (host:port). */
export function grpcRouterAdmin(address: string, o: { deadlineMs?: number } = {}): RouterAdminPort {
  const client = new RouterAdminClient(address, credentials.createInsecure());
  const deadlineMs = o.deadlineMs ?? 10_000;
  const call = <Req, Res>(model: string, fn: Unary<Req, Res>, req: Req): Promise<Res> =>
    new Promise((resolve, reject) => {
      const withDeadline = fn as unknown as (r: Req, m: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res: Res) => void) => unknown;
      withDeadline.call(client, req, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (!err) return resolve(res);
        if (err.code === status.ABORTED) return reject(new PolicyConflictError(model, err.details || err.message));
        const retriable = err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED;
        reject(new RouterAdminError(model, err.code, err.details || err.message, retriable));
      });
    });
  return {
    getPolicy: async (model) => {
      try {
        return await call(model, client.getPolicy as Unary<{ model: string }, PolicyUpdated>, { model });
      } catch (error) {
        if (error instanceof RouterAdminError && error.code === status.NOT_FOUND) return undefined;
        throw error;
      }
    },
    setPolicy: (model, policy, { expectedRevision, updatedBy }) =>
      call(model, client.setPolicy as Unary<object, PolicyUpdated>, { model, policy, updatedBy, expectedRevision }),
    close: () => client.close(),
  };
}
