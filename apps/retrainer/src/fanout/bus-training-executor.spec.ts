import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Headers, type TrainingTask, Topics } from '@ratchet/contracts';
import { type MemoryBus, createMemoryBus, deadLetterTopic } from '@ratchet/bus';
import { Rng, bootstrapIndices, makeSyntheticBinary } from '@ratchet/ml';
import { createLogger } from '@ratchet/service-kit';
import { type TrainTask, type TrainingExecutor, TrainingError, TrainingPool, runTrainTask } from '@ratchet/training';
import { BusTrainingExecutor, type BusTrainingExecutorOptions } from './bus-training-executor.js';
import { decodeTrainingTask, trainingResultMessage } from './task-codec.js';
import { TaskWorker, type TaskWorkerOptions } from './task-worker.js';

const logger = createLogger({ name: 'fanout-test', level: 'error' });
const { table, schema } = makeSyntheticBinary({ nRows: 400, seed: 3 });
const evaluateRows = Int32Array.from({ length: 100 }, (_, i) => 300 + i);
const KINDS: TrainTask['spec']['model'][] = [
  { kind: 'logistic-regression', params: { l2: 0.5 } },
  { kind: 'cart', params: { maxDepth: 3 } },
  { kind: 'gbdt', params: { nRounds: 5 } },
];

/** Candidate-like tasks: bootstrap samples of the first 300 rows, evaluated on the last 100. */
function tasks(n: number): TrainTask[] {
  return Array.from({ length: n }, (_, i) => ({
    spec: { schema, model: KINDS[i % KINDS.length] ?? { kind: 'cart' }, rows: bootstrapIndices(300, new Rng(100 + i)), seed: i },
    evaluateRows,
  }));
}

function expectLocalOutcomes(outcomes: Awaited<ReturnType<TrainingExecutor['run']>>, sent: readonly TrainTask[]): void {
  expect(outcomes).toHaveLength(sent.length);
  outcomes.forEach((o, i) => {
    const local = runTrainTask(table, sent[i] as TrainTask);
    expect(o.result).toEqual(local.result);
    expect(Array.from(o.predictions ?? [])).toEqual(Array.from(local.predictions ?? []));
  });
}

describe('training fan-out over the bus', () => {
  let bus: MemoryBus;
  let runs = 0;
  const started: { stop(): Promise<void> }[] = [];
  const executor = async (options: Partial<BusTrainingExecutorOptions> = {}) => {
    const e = await BusTrainingExecutor.start(bus, { groupId: 'coordinator.results', logger, runIds: () => `run-${++runs}`, ...options });
    started.push({ stop: () => e.close() });
    return e;
  };
  const worker = async (workerId: string, options: Partial<TaskWorkerOptions> = {}) => {
    const w = await TaskWorker.start(bus, { groupId: 'workers.tasks', logger, workerId, ...options });
    started.push(w);
    return w;
  };
  beforeEach(() => {
    bus = createMemoryBus();
    runs = 0;
  });
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.stop();
    await bus.close();
  });

  it('shares a run between two workers of one group and gets the outcomes local training gives', async () => {
    const pool = new TrainingPool({ size: 1 });
    try {
      const threaded = await worker('w1', { pool });
      const inline = await worker('w2');
      const coordinator = await executor();
      const sent = tasks(12);
      const progress: number[] = [];
      const outcomes = await coordinator.run(coordinator.shareTable(table), sent, { jobId: 'm/job-1', onProgress: (done) => progress.push(done) });
      expectLocalOutcomes(outcomes, sent);
      expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(threaded.counters.trained).toBeGreaterThan(0);
      expect(inline.counters.trained).toBeGreaterThan(0);
      expect(threaded.counters.trained + inline.counters.trained).toBe(12);
      expect(coordinator.counters).toMatchObject({ runs: 1, published: 12, results: 12, duplicates: 0, republished: 0 });
    } finally {
      await pool.close();
    }
  });

  it('ignores duplicate results and results of other runs', async () => {
    const coordinator = await executor();
    // A worker that answers every task twice, and once more for a run nobody is waiting for.
    await bus.subscribe(
      Topics.retrainTasks,
      async (m) => {
        const { table: t, task } = decodeTrainingTask(m);
        const result = trainingResultMessage(m, runTrainTask(t, task), { workerId: 'twice', trainMs: 1, finishedAtMs: 0 });
        await bus.publish(Topics.retrainResults, result);
        await bus.publish(Topics.retrainResults, result);
        await bus.publish(Topics.retrainResults, { ...result, runId: 'run-of-another-coordinator' });
      },
      { groupId: 'workers.tasks' },
    );
    const sent = tasks(4);
    expectLocalOutcomes(await coordinator.run(coordinator.shareTable(table), sent), sent);
    // The last duplicate may still be in flight when the run resolves; every result counted so far is one of these.
    expect(coordinator.counters.results).toBe(4);
    expect(coordinator.counters.duplicates).toBeGreaterThanOrEqual(3);
    expect(coordinator.counters.ignored).toBeGreaterThanOrEqual(3);
  });

  it('publishes a task again when its result does not come within the timeout', async () => {
    const coordinator = await executor({ taskTimeoutMs: 100 });
    const attemptsOfTask0: number[] = [];
    // A worker that loses the first delivery of task 0 (as if it crashed after committing).
    await bus.subscribe(
      Topics.retrainTasks,
      async (m) => {
        if (m.taskIndex === 0) attemptsOfTask0.push(m.attempt);
        if (m.taskIndex === 0 && m.attempt === 1) return;
        const { table: t, task } = decodeTrainingTask(m);
        await bus.publish(Topics.retrainResults, trainingResultMessage(m, runTrainTask(t, task), { workerId: 'lossy', trainMs: 1, finishedAtMs: 0 }));
      },
      { groupId: 'workers.tasks' },
    );
    const sent = tasks(3);
    expectLocalOutcomes(await coordinator.run(coordinator.shareTable(table), sent), sent);
    expect(attemptsOfTask0).toEqual([1, 2]);
    expect(coordinator.counters.republished).toBeGreaterThanOrEqual(1);
  });

  it('fails the run, retriably, when a task gets no result within its attempts', async () => {
    const coordinator = await executor({ taskTimeoutMs: 50, maxAttempts: 2 });
    const err = await coordinator.run(coordinator.shareTable(table), tasks(2), { jobId: 'm/job-2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).retriable).toBe(true);
    expect((err as TrainingError).message).toMatch(/training task 0 of job m\/job-2 \(model 'logistic-regression'\) got no result after 2 attempt\(s\) 50 ms apart: is a retrainer worker consuming ratchet\.retrain\.tasks\.v1\?/);
    expect(coordinator.counters.republished).toBe(2);
  });

  it('rejects a run at once when it is aborted, and forgets it', async () => {
    const coordinator = await executor();
    const controller = new AbortController();
    const pending = coordinator.run(coordinator.shareTable(table), tasks(3), { signal: controller.signal });
    controller.abort(new Error('retrainer stopping'));
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).message).toBe('training cancelled: retrainer stopping');
    expect((err as TrainingError).retriable).toBe(true);
    expect(coordinator.active()).toEqual([]);
  });

  it("turns a task's training error into a job failure naming the task, model, worker and reason", async () => {
    await worker('w1');
    const coordinator = await executor();
    const sent = tasks(3);
    const bad: TrainTask = { ...sent[1], spec: { ...(sent[1] as TrainTask).spec, model: { kind: 'cart', params: { maxDepht: 3 } } } };
    const err = await coordinator.run(coordinator.shareTable(table), [sent[0] as TrainTask, bad, sent[2] as TrainTask], { jobId: 'm/job-3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).retriable).toBe(false);
    expect((err as TrainingError).taskIndex).toBe(1);
    expect((err as TrainingError).message).toMatch(/^training task 1 of job m\/job-3 \(model 'cart'\) failed on worker w1: .*unknown params maxDepht/);
  });

  it('fails a run whose task record is over the limit before publishing anything', async () => {
    const coordinator = await executor({ maxRecordBytes: 2_000 });
    const err = await coordinator.run(coordinator.shareTable(table), tasks(2), { jobId: 'm/job-4' }).catch((e: unknown) => e);
    expect((err as TrainingError).retriable).toBe(false);
    expect((err as Error).message).toMatch(/^training task 0 of job m\/job-4 \(model 'logistic-regression'\) needs a \d+-byte record for its \d+ rows × \d+ columns, over the 2000-byte limit of ratchet\.retrain\.tasks\.v1/);
    expect(coordinator.counters.published).toBe(0);
  });

  it('answers a task whose result is over the limit with a failure naming the limit', async () => {
    await worker('w1', { maxRecordBytes: 500 });
    const coordinator = await executor();
    const err = await coordinator.run(coordinator.shareTable(table), tasks(1), { jobId: 'm/job-5' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/failed on worker w1: its result needs a \d+-byte record .*over the 500-byte limit of ratchet\.retrain\.results\.v1/);
  });

  it('trains tasks published before any worker joined, and skips those older than the task timeout', async () => {
    const coordinator = await executor();
    const run = coordinator.run(coordinator.shareTable(table), tasks(2), { jobId: 'm/job-7' });
    const old: TrainingTask = {
      runId: 'run-old', jobId: 'm/job-0', taskIndex: 0, taskCount: 1, attempt: 1, nRows: 0, columns: [], specJson: '{',
      trainRows: undefined, evaluateRows: undefined, publishedAtMs: Date.now() - 60_000,
    };
    await bus.publish(Topics.retrainTasks, old);
    const w = await worker('late', { staleAfterMs: 30_000 });
    expect(await run).toHaveLength(2);
    expect(w.counters).toMatchObject({ trained: 2, failed: 0, stale: 1 });
  });

  it('sends a task that cannot be decoded to the dead-letter topic', async () => {
    await worker('w1');
    const dead = new Promise<string>((resolve) => {
      void bus.subscribe(deadLetterTopic(Topics.retrainTasks), (_bytes, ctx) => resolve(ctx.headers[Headers.dlqReason] ?? ''), { groupId: 'dlq-reader', fromBeginning: true });
    });
    const malformed: TrainingTask = {
      runId: 'run-x', jobId: 'm/job-6', taskIndex: 0, taskCount: 1, attempt: 1, nRows: 0, columns: [], specJson: '{',
      trainRows: undefined, evaluateRows: undefined, publishedAtMs: 0,
    };
    await bus.publish(Topics.retrainTasks, malformed);
    expect(await dead).toMatch(/not retriable.*training task 0 of run run-x \(job m\/job-6\) is malformed/);
  });

  it('redelivers the uncommitted task of a worker that dies mid-way to another member', async () => {
    let release!: () => void;
    let inHand!: () => void;
    const holding = new Promise<void>((resolve) => (inHand = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    // Trains nothing until released: the task stays in hand, uncommitted.
    const stuck: TrainingExecutor = {
      shareTable: (t) => ({ id: 1, nRows: t.nRows }),
      releaseTable: () => undefined,
      run: async (_h, ts) => {
        inHand();
        await released;
        return ts.map((t) => runTrainTask(table, t));
      },
    };
    const dying = await worker('dying', { pool: stuck });
    await worker('survivor');
    const coordinator = await executor();
    const sent = tasks(6);
    const done = coordinator.run(coordinator.shareTable(table), sent);
    await holding;
    await dying.abandon();
    expectLocalOutcomes(await done, sent);
    expect(dying.counters.trained).toBe(0);
    release();
  });
});
