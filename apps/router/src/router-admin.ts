import { status } from '@grpc/grpc-js';
import { Policy, type PolicyUpdated, type RouterAdminServer, type SetPolicyRequest, Topics } from '@ratchet/contracts';
import type { EventBus } from '@ratchet/bus';
import { type GrpcError, type Logger, grpcError } from '@ratchet/service-kit';
import { type VersionLookup, validatePolicy } from './policy-validation.js';
import type { PolicyStore } from './policy-store.js';

export interface RouterAdminOptions {
  readonly store: PolicyStore;
  readonly registry: VersionLookup;
  readonly bus: Pick<EventBus, 'publish'>;
  readonly logger: Logger;
  /** How long a change may take to come back from the topic before the call gives up. Default 10 s. */
  readonly applyTimeoutMs?: number;
  readonly now?: () => number;
}

/**
 * Policy changes: validated against the registry, published on `ratchet.policies.v1`, and
 * acknowledged only once this router has applied them from the topic — the same path every
 * other router instance takes, so what a caller sees acknowledged is what all of them converge
 * on. Changes to one model through one router are serialised; a concurrent change through
 * another router that wins the same revision makes this call fail with ABORTED.
 */
export class RouterAdmin {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly applyTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly o: RouterAdminOptions) {
    this.applyTimeoutMs = o.applyTimeoutMs ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** Validates and publishes a policy; resolves with the applied event. Throws a gRPC error. */
  setPolicy(req: SetPolicyRequest): Promise<PolicyUpdated> {
    return this.serialised(req.model, async () => {
      await validatePolicy(req.model, req.policy, this.o.registry);
      const current = this.o.store.latest(req.model);
      if (req.expectedRevision !== 0 && (current?.revision ?? 0) !== req.expectedRevision) {
        throw grpcError(status.ABORTED, `policy for '${req.model}' is at revision ${current?.revision ?? 0}, not ${req.expectedRevision}; read it again`);
      }
      return this.publish({
        model: req.model,
        revision: this.o.store.nextRevision(req.model),
        policy: req.policy,
        updatedAtMs: this.now(),
        updatedBy: req.updatedBy || 'unknown',
        deleted: false,
      });
    });
  }

  /** Removes a model's policy (it goes back to its default version). NOT_FOUND when it has none. */
  deletePolicy(model: string, updatedBy: string): Promise<PolicyUpdated> {
    return this.serialised(model, async () => {
      if (!this.o.store.policy(model)) throw grpcError(status.NOT_FOUND, `model '${model}' has no policy`);
      return this.publish({ model, revision: this.o.store.nextRevision(model), policy: undefined, updatedAtMs: this.now(), updatedBy: updatedBy || 'unknown', deleted: true });
    });
  }

  /** The current policy of a model; NOT_FOUND when it has none. */
  getPolicy(model: string): PolicyUpdated {
    const e = this.o.store.latest(model);
    if (!e || e.deleted) throw grpcError(status.NOT_FOUND, `model '${model}' has no policy; requests go to its default version`);
    return e;
  }

  private async publish(event: PolicyUpdated): Promise<PolicyUpdated> {
    try {
      await this.o.bus.publish(Topics.policies, event);
    } catch (err) {
      throw grpcError(status.UNAVAILABLE, `policy for '${event.model}' not published: ${err instanceof Error ? err.message : String(err)}`);
    }
    let applied: PolicyUpdated;
    try {
      applied = await this.o.store.waitFor(event.model, event.revision, this.applyTimeoutMs);
    } catch (err) {
      throw grpcError(status.DEADLINE_EXCEEDED, `policy for '${event.model}' was published but ${err instanceof Error ? err.message : String(err)}`);
    }
    if (applied.revision !== event.revision || !samePolicy(applied, event)) {
      throw grpcError(status.ABORTED, `policy for '${event.model}': a concurrent change by ${applied.updatedBy} took revision ${applied.revision}; read it and try again`);
    }
    this.o.logger.info('policy changed', { model: event.model, revision: event.revision, deleted: event.deleted, updatedBy: event.updatedBy });
    return applied;
  }

  private serialised<T>(model: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(model) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.queues.set(model, tail);
    void tail.then(() => {
      if (this.queues.get(model) === tail) this.queues.delete(model);
    });
    return next;
  }
}

function samePolicy(a: PolicyUpdated, b: PolicyUpdated): boolean {
  if (a.deleted !== b.deleted || a.updatedAtMs !== b.updatedAtMs || a.updatedBy !== b.updatedBy) return false;
  if (!a.policy || !b.policy) return a.policy === b.policy;
  return Buffer.from(Policy.encode(a.policy).finish()).equals(Buffer.from(Policy.encode(b.policy).finish()));
}

function reply<T>(cb: (err: GrpcError | null, res?: T) => void, work: () => Promise<T> | T): void {
  Promise.resolve()
    .then(work)
    .then(
      (res) => cb(null, res),
      (err: unknown) =>
        cb((err as { code?: unknown }).code !== undefined ? (err as GrpcError) : grpcError(status.INTERNAL, err instanceof Error ? err.message : String(err))),
    );
}

/** The `ratchet.v1.RouterAdmin` gRPC service over a {@link RouterAdmin}. */
export function routerAdminService(admin: RouterAdmin, store: PolicyStore): RouterAdminServer {
  return {
    setPolicy: (call, cb) => reply(cb, () => admin.setPolicy(call.request)),
    getPolicy: (call, cb) => reply(cb, () => admin.getPolicy(call.request.model)),
    listPolicies: (_call, cb) => reply(cb, () => ({ policies: store.list() })),
    deletePolicy: (call, cb) => reply(cb, () => admin.deletePolicy(call.request.model, call.request.updatedBy)),
  };
}
