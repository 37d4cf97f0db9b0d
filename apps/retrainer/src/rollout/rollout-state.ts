import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../durable-file.js';
import type { RolloutCriteria } from './rollout-decision.js';

/** A rollout in progress, persisted so that a restarted controller resumes watching it. */
export interface RolloutState {
  readonly id: string;
  readonly model: string;
  readonly stable: string;
  readonly canary: string;
  /** Share of traffic on the canary arm, in (0, 1). */
  readonly share: number;
  /** Request parameter pinning a caller to an arm; empty = random by weight. */
  readonly stickyKey: string;
  /** The retraining job that proposed the canary; empty for a manual rollout. */
  readonly jobId: string;
  readonly startedAtMs: number;
  readonly criteria: RolloutCriteria;
  /**
   * The policy before the first canary of this model (proto3 JSON of `ratchet.v1.Policy`) and
   * its revision; null when the model had none. A rollback restores exactly this.
   */
  readonly previous: { readonly revision: number; readonly policy: unknown } | null;
  /** Revision of the split policy the rollout set; 0 until the router accepted it. */
  readonly splitRevision: number;
}

/** One JSON file per model under `root` (`<root>/<model>.json`), written atomically. */
export class RolloutStateStore {
  constructor(readonly root: string) {}

  private path(model: string): string {
    return join(this.root, `${encodeURIComponent(model)}.json`);
  }

  async save(state: RolloutState): Promise<void> {
    await writeFileAtomic(this.path(state.model), `${JSON.stringify(state, null, 2)}\n`);
  }

  async remove(model: string): Promise<void> {
    await rm(this.path(model), { force: true });
  }

  /** Every persisted rollout (an unreadable file is an error naming it: a rollout must not be silently forgotten). */
  async list(): Promise<RolloutState[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const out: RolloutState[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const path = join(this.root, name);
      try {
        out.push(JSON.parse(await readFile(path, 'utf8')) as RolloutState);
      } catch (error) {
        throw new Error(`rollout state ${path} is unreadable: ${(error as Error).message}`, { cause: error });
      }
    }
    return out;
  }
}
