import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Topics, defineTopic } from '@ratchet/contracts';
import { type KafkaBus, createKafkaBus, silentLogger } from '@ratchet/bus';
import { makeSyntheticBinary } from '@ratchet/ml';
import { createLogger } from '@ratchet/service-kit';
import { type SelectSlowlyVaryingOptions, type SlowlyVaryingSelection, TrainingPool, selectSlowlyVarying } from '@ratchet/training';
import { BusTrainingExecutor, TaskWorker } from '../src/index.js';

const brokers = process.env['KAFKA_BROKERS'];
if (!brokers) {
  throw new Error('KAFKA_BROKERS is not set: integration tests need a broker; run `npm test` or `npx ratchet kafka up --port 19092` and export KAFKA_BROKERS=127.0.0.1:19092');
}

const logger = createLogger({ name: 'fanout-itest', level: 'error' });
const { table, schema } = makeSyntheticBinary({ nRows: 1500, seed: 21 });
const selection: Omit<SelectSlowlyVaryingOptions, 'pool' | 'k'> = { table, schema, batches: 3, alpha: 0.05, mode: 'auc', model: 'gbdt', seed: 9 };

/** What a test compares: every candidate's validation numbers and the selected sequence and final model. */
function picked(s: SlowlyVaryingSelection) {
  const last = s.pools.length - 1;
  const index = s.sequence.indices[last] as number;
  return {
    scores: s.pools.map((p) => p.candidates.map((c) => [c.auc, c.logLoss])),
    sequence: Array.from(s.sequence.indices),
    final: s.pools[last]?.candidates[index]?.pipeline,
  };
}

// Each test gets its own topics and groups on the shared broker; the worker and coordinator
// buses stand for separate retrainer processes.
describe('training fan-out over a real Kafka broker', () => {
  const buses: KafkaBus[] = [];
  const pools: TrainingPool[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  let reference: TrainingPool;
  const bus = (role: string) => {
    const b = createKafkaBus({ brokers, clientId: `fanout-itest-${role}`, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 10_000, fetchMaxWaitMs: 100, logger: silentLogger });
    buses.push(b);
    return b;
  };
  const deployment = async () => {
    const run = randomUUID().slice(0, 8);
    const topics = {
      tasksTopic: defineTopic(`itest.retrain.tasks.${run}`, Topics.retrainTasks.codec, Topics.retrainTasks.key, { partitions: 6 }),
      resultsTopic: defineTopic(`itest.retrain.results.${run}`, Topics.retrainResults.codec, Topics.retrainResults.key),
    };
    const worker = async (id: string) => {
      const pool = new TrainingPool({ size: 1 });
      pools.push(pool);
      const w = await TaskWorker.start(bus(id), { groupId: `fanout-itest-${run}.tasks`, logger, workerId: id, pool, ...topics });
      stoppers.push(() => w.stop());
      return w;
    };
    const a = await worker('worker-a');
    const b = await worker('worker-b');
    const coordinator = await BusTrainingExecutor.start(bus('coordinator'), { groupId: `fanout-itest-${run}.results`, logger, ...topics });
    stoppers.push(() => coordinator.close());
    return { a, b, coordinator };
  };

  beforeAll(() => {
    reference = new TrainingPool({ size: 1 });
  });
  afterAll(async () => {
    await reference.close();
  });
  afterEach(async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop();
    await Promise.all(buses.splice(0).map((b) => b.close({ timeoutMs: 10_000 })));
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('shares a job between two workers and selects the candidate the threads executor selects for the same seed', async () => {
    const { a, b, coordinator } = await deployment();
    const threads = await selectSlowlyVarying({ ...selection, k: 4, pool: reference });
    const overBus = await selectSlowlyVarying({ ...selection, k: 4, pool: coordinator, jobId: 'itest/job-1' });
    expect(picked(overBus)).toEqual(picked(threads));
    expect(a.counters.trained).toBeGreaterThan(0);
    expect(b.counters.trained).toBeGreaterThan(0);
    expect(a.counters.trained + b.counters.trained).toBeGreaterThanOrEqual(12);
    expect(coordinator.counters).toMatchObject({ runs: 1, results: 12 });
  }, 180_000);

  it('completes the job when a worker dies mid-way: its uncommitted tasks go to the other worker', async () => {
    const { a, b, coordinator } = await deployment();
    let killedAfter: number | undefined;
    const threads = await selectSlowlyVarying({ ...selection, k: 6, pool: reference });
    const overBus = await selectSlowlyVarying({
      ...selection,
      k: 6,
      pool: coordinator,
      jobId: 'itest/job-2',
      onProgress: (stage, done, total) => {
        // Kill worker A (no graceful stop: what it holds stays uncommitted) once it has trained something and work remains.
        if (stage === 'train' && killedAfter === undefined && a.counters.trained > 0 && done < total) {
          killedAfter = done;
          void a.abandon();
        }
      },
    });
    expect(killedAfter).toBeDefined();
    expect(picked(overBus)).toEqual(picked(threads));
    expect(b.counters.trained).toBeGreaterThan(0);
    expect(coordinator.counters.results).toBe(18);
  }, 180_000);
});
