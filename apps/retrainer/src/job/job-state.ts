import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineJSON } from '@ratchet/ml';
import { writeFileAtomic } from '../durable-file.js';

/** Phases of a retraining job, in order; `published`, `refused` and `failed` end it. */
export type JobPhase = 'started' | 'trained' | 'decided' | 'published' | 'refused' | 'failed';

/** What started a job. */
export interface JobTrigger {
  /** `alert` (monitor), `request` (`ratchet retrain`), or `resume`. */
  readonly kind: string;
  /** Alert id or request id. */
  readonly id: string;
  readonly reason: string;
  /**
   * W3C `traceparent` of the record that started the job (the alert's `monitor.alert` span, or
   * the `ratchet retrain` request). Persisted, so a job resumed after a restart links to the
   * same span.
   */
  readonly traceparent?: string | undefined;
}

/** The candidate chosen by the slowly varying selection (phase `trained`). */
export interface ChosenCandidate {
  readonly pipeline: PipelineJSON;
  readonly batch: number;
  readonly index: number;
  readonly validationAuc: number;
  readonly validationLogLoss: number;
  readonly alpha: number;
  readonly distance: string;
  /** d(f0, f_1), d(f_1, f_2), … along the chosen sequence. */
  readonly sequenceDistances: readonly number[];
  readonly distanceToParent: number;
  readonly trainRows: number;
}

/** What the job decided to publish (phase `decided`). The artifact and manifest sit beside the state. */
export interface PublishPlan {
  readonly outcome: 'candidate' | 'gated-pair';
  readonly version: string;
  readonly sha256: string;
}

/** A job's persisted state: enough to resume after a restart without publishing twice. */
export interface JobState {
  readonly jobId: string;
  readonly model: string;
  readonly trigger: JobTrigger;
  readonly parentVersion: string;
  readonly batchIds: readonly string[];
  readonly seed: number;
  readonly phase: JobPhase;
  readonly startedAtMs: number;
  readonly updatedAtMs: number;
  readonly candidate?: ChosenCandidate;
  readonly plan?: PublishPlan;
  /** Why nothing was published, or why the job failed. */
  readonly reason?: string;
}

/** True once the job can do nothing more. */
export function isTerminal(phase: JobPhase): boolean {
  return phase === 'published' || phase === 'refused' || phase === 'failed';
}

/**
 * Job folders under `<root>/<model>/<job id>/`: `state.json`, and once decided `model.onnx`
 * and `manifest.json` (the exact bytes to publish, so a resumed job publishes the same
 * artifact). Every write is atomic.
 */
export class JobStateStore {
  constructor(readonly root: string) {}

  dir(model: string, jobId: string): string {
    return join(this.root, model, jobId);
  }

  async save(state: JobState): Promise<void> {
    await writeFileAtomic(join(this.dir(state.model, state.jobId), 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  }

  async load(model: string, jobId: string): Promise<JobState | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir(model, jobId), 'state.json'), 'utf8')) as JobState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async writeArtifact(model: string, jobId: string, artifact: Uint8Array, manifest: unknown): Promise<void> {
    await writeFileAtomic(join(this.dir(model, jobId), 'model.onnx'), artifact);
    await writeFileAtomic(join(this.dir(model, jobId), 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  async readArtifact(model: string, jobId: string): Promise<{ artifact: Uint8Array; manifest: unknown }> {
    const dir = this.dir(model, jobId);
    return { artifact: new Uint8Array(await readFile(join(dir, 'model.onnx'))), manifest: JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as unknown };
  }

  /** Every job of every model whose state is not terminal (to resume after a restart). */
  async unfinished(): Promise<JobState[]> {
    const out: JobState[] = [];
    for (const model of await readdirOrEmpty(this.root)) {
      for (const jobId of await readdirOrEmpty(join(this.root, model))) {
        const s = await this.load(model, jobId).catch(() => undefined);
        if (s !== undefined && !isTerminal(s.phase)) out.push(s);
      }
    }
    return out.sort((a, b) => a.startedAtMs - b.startedAtMs);
  }

  async remove(model: string, jobId: string): Promise<void> {
    await rm(this.dir(model, jobId), { recursive: true, force: true });
  }
}

async function readdirOrEmpty(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).filter((n) => !n.startsWith('.'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
