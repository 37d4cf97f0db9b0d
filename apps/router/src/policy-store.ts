import { EventEmitter } from 'node:events';
import type { Policy, PolicyUpdated } from '@ratchet/contracts';

/**
 * The policies one router applies, built from `ratchet.policies.v1`. Every router instance
 * consumes the whole compacted topic and applies an event only when its revision is newer than
 * what it holds, so instances converge on the same policies whatever the redelivery or restart
 * order; a deleted policy is kept as a tombstone so the next change continues its revisions.
 */
export class PolicyStore {
  private readonly entries = new Map<string, PolicyUpdated>();
  /** `applied` fires after an event changed the store. */
  readonly events = new EventEmitter<{ applied: [PolicyUpdated] }>();

  /** Applies an event; returns whether it was newer than what the store held. */
  apply(event: PolicyUpdated): boolean {
    const current = this.entries.get(event.model);
    if (current && current.revision >= event.revision) return false;
    this.entries.set(event.model, event);
    this.events.emit('applied', event);
    return true;
  }

  /** The live policy of a model, or undefined when it has none (or it was deleted). */
  policy(model: string): Policy | undefined {
    const e = this.entries.get(model);
    return e && !e.deleted ? e.policy : undefined;
  }

  /** The latest event of a model, tombstones included. */
  latest(model: string): PolicyUpdated | undefined {
    return this.entries.get(model);
  }

  /** The revision the next change of a model gets. */
  nextRevision(model: string): number {
    return (this.entries.get(model)?.revision ?? 0) + 1;
  }

  /** Live policies, by model name. */
  list(): PolicyUpdated[] {
    return [...this.entries.values()].filter((e) => !e.deleted).sort((a, b) => a.model.localeCompare(b.model));
  }

  /** Resolves once the store holds `revision` or later for `model`; rejects after `timeoutMs`. */
  waitFor(model: string, revision: number, timeoutMs: number): Promise<PolicyUpdated> {
    const have = this.entries.get(model);
    if (have && have.revision >= revision) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const onApplied = (e: PolicyUpdated) => {
        if (e.model !== model || e.revision < revision) return;
        clearTimeout(timer);
        this.events.off('applied', onApplied);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.events.off('applied', onApplied);
        reject(new Error(`policy revision ${revision} of '${model}' not seen on the topic within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('applied', onApplied);
    });
  }
}
