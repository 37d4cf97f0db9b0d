import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Alert, AlertKind } from '@ratchet/contracts';
import { createLogger } from '@ratchet/service-kit';
import type { LabeledRow } from './batch-store/batch-store.js';
import { FileBatchStore } from './batch-store/file-batch-store.js';
import type { JobTrigger } from './job/job-state.js';
import type { TriggerResult } from './retrainer.js';
import { AlertTriggerPolicy, type TriggerDecision, type TriggerPolicyDeps } from './trigger-policy.js';

const logger = createLogger({ name: 'trigger-policy-test', level: 'error' });

function rows(from: number, n: number): LabeledRow[] {
  return Array.from({ length: n }, (_, i) => ({ key: `r${from + i}`, timeMs: 1000 + from + i, features: { x: from + i }, label: (from + i) % 2 }));
}

/** Records the jobs the policy starts; `running` makes `active()` report a job. */
class FakeRetrainer {
  readonly triggers: { model: string; trigger: JobTrigger; maxBatches: number | undefined }[] = [];
  running: string | undefined;
  active(): { model: string; jobId: string }[] {
    return this.running ? [{ model: this.running, jobId: 'job-b000001' }] : [];
  }
  async trigger(model: string, trigger: JobTrigger, options: { maxBatches?: number } = {}): Promise<TriggerResult> {
    this.triggers.push({ model, trigger, maxBatches: options.maxBatches });
    return { status: 'started', jobId: `job-${this.triggers.length}`, done: new Promise(() => undefined) };
  }
}

const alert = (over: Partial<Alert> = {}) =>
  Alert.fromPartial({ id: 'a1', model: 'm', version: '1.0.0', kind: AlertKind.ALERT_KIND_CONCEPT_DRIFT, retrain: true, message: 'error rate rose', ...over });

describe('AlertTriggerPolicy', () => {
  let root: string;
  let store: FileBatchStore;
  let retrainer: FakeRetrainer;
  let decisions: TriggerDecision[];
  let rolloutActive: boolean;
  const policy = (freshRows: number, extra: Partial<TriggerPolicyDeps> = {}) =>
    new AlertTriggerPolicy(
      { freshRows, batchRows: 100, pendingRoot: join(root, 'triggers') },
      { retrainer, store, productionVersion: async () => '1.0.0', rolloutActive: () => rolloutActive, logger, onDecision: (d) => decisions.push(d), ...extra },
    );

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-triggers-'));
    store = new FileBatchStore({ root: join(root, 'batches'), batchRows: 100 });
    retrainer = new FakeRetrainer();
    decisions = [];
    rolloutActive = false;
  });
  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('waits after a drift alert until the fresh rows are stored, then trains on those batches only', async () => {
    await store.append('m', rows(0, 300));
    const p = policy(250);
    expect(await p.onAlert(alert())).toEqual({ kind: 'waiting', alert: alert(), batches: 3, rows: 300 });
    await store.append('m', rows(300, 200));
    await p.onRowsStored('m');
    expect(retrainer.triggers).toEqual([]);
    await store.append('m', rows(500, 100));
    await p.onRowsStored('m');
    // The three batches sealed after the alert, none from before it (the open segment is empty).
    expect(retrainer.triggers).toEqual([{ model: 'm', trigger: { kind: 'alert', id: 'a1', reason: 'error rate rose' }, maxBatches: 3 }]);
    expect(decisions.map((d) => d.kind)).toEqual(['waiting', 'triggered']);
    expect(p.waiting()).toEqual([]);
  });

  it('adds the open segment to the fresh batches when it holds rows (the trigger seals it)', async () => {
    await store.append('m', rows(0, 100));
    const p = policy(100);
    await p.onAlert(alert());
    await store.append('m', rows(100, 150));
    await p.onRowsStored('m');
    expect(retrainer.triggers.map((t) => t.maxBatches)).toEqual([2]);
  });

  it('starts at once on new-data and schedule alerts, and on detections when freshRows is 0', async () => {
    await policy(250).onAlert(alert({ kind: AlertKind.ALERT_KIND_NEW_DATA }));
    await policy(0).onAlert(alert({ id: 'a2', model: 'n' }));
    expect(retrainer.triggers.map((t) => [t.model, t.trigger.id, t.maxBatches])).toEqual([
      ['m', 'a1', undefined],
      ['n', 'a2', undefined],
    ]);
  });

  it('ignores alerts about another version, and alerts while a wait, a job or a canary of the model is in progress', async () => {
    const p = policy(100);
    const reasons = async (a: Alert) => {
      const d = await p.onAlert(a);
      return d.kind === 'ignored' ? d.reason : d.kind;
    };
    expect(await reasons(alert({ version: '1.1.0' }))).toBe('the alert is about m@1.1.0, not the production version 1.0.0');
    expect(await reasons(alert({ retrain: false }))).toBe('the concept_drift alert is not a retraining trigger');
    expect(await policy(0, { productionVersion: async () => undefined }).onAlert(alert({ model: 'other' }))).toMatchObject({ reason: 'other has no production version here' });
    retrainer.running = 'm';
    expect(await reasons(alert())).toBe('job job-b000001 of m is running');
    retrainer.running = undefined;
    rolloutActive = true;
    expect(await reasons(alert())).toBe('a canary of m is rolling out');
    rolloutActive = false;
    expect(await reasons(alert())).toBe('waiting');
    expect(await reasons(alert({ id: 'a2' }))).toBe('waiting for fresh rows after alert a1');
    expect(retrainer.triggers).toEqual([]);
  });

  it('lets a veto and the kinds filter drop alerts with the reason', async () => {
    const vetoed = policy(0, { veto: () => 'enough for today' });
    expect(await vetoed.onAlert(alert())).toMatchObject({ kind: 'ignored', reason: 'enough for today' });
    const filtered = new AlertTriggerPolicy(
      { freshRows: 0, batchRows: 100, pendingRoot: join(root, 'triggers'), kinds: new Set([AlertKind.ALERT_KIND_DATA_DRIFT]) },
      { retrainer, store, productionVersion: async () => '1.0.0', rolloutActive: () => false, logger },
    );
    expect(await filtered.onAlert(alert())).toMatchObject({ kind: 'ignored', reason: 'concept_drift alerts do not start jobs here' });
    expect(retrainer.triggers).toEqual([]);
  });

  it('keeps a wait across a restart and starts the job when the rows arrived meanwhile', async () => {
    const first = policy(200);
    await first.onAlert(alert());
    await first.stop();
    await store.append('m', rows(0, 200));
    const second = policy(200);
    await second.resume();
    expect(retrainer.triggers).toEqual([{ model: 'm', trigger: { kind: 'alert', id: 'a1', reason: 'error rate rose' }, maxBatches: 2 }]);
    // The wait is gone once its job started: a third start has nothing to resume.
    const third = policy(200);
    await third.resume();
    expect(third.waiting()).toEqual([]);
    expect(retrainer.triggers).toHaveLength(1);
  });
});
