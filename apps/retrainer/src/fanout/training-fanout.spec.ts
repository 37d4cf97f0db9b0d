import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@ratchet/bus';
import { makeSyntheticBinary } from '@ratchet/ml';
import { createLogger, createMetricsRegistry } from '@ratchet/service-kit';
import { type TrainTask, TrainingPool } from '@ratchet/training';
import { loadRetrainerConfig } from '../retrainer-config.js';
import { BusTrainingExecutor } from './bus-training-executor.js';
import { startRetrainerWorker, startTrainingFanout, trainingFanoutSettings } from './training-fanout.js';

const logger = createLogger({ name: 'fanout-test', level: 'error' });
const { table, schema } = makeSyntheticBinary({ nRows: 200, seed: 4 });
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const tasks: TrainTask[] = [1, 2, 3].map((seed) => ({
  spec: { schema, model: { kind: 'logistic-regression', params: { l2: seed } }, rows: Int32Array.from({ length: 150 }, (_, i) => i), seed },
  evaluateRows: Int32Array.from({ length: 50 }, (_, i) => 150 + i),
}));

describe('retrainer roles and training fan-out', () => {
  let pool: TrainingPool;
  beforeAll(() => {
    pool = new TrainingPool({ size: 1 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('trains over the bus when a broker is configured and on threads otherwise', () => {
    expect(trainingFanoutSettings(loadRetrainerConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }), 2)).toMatchObject({ role: 'coordinator', fanout: 'bus', concurrency: 2 });
    expect(trainingFanoutSettings(loadRetrainerConfig({}), 2)).toMatchObject({ role: 'coordinator', fanout: 'threads' });
    expect(trainingFanoutSettings(loadRetrainerConfig({ KAFKA_BROKERS: '127.0.0.1:9092', RATCHET_TRAINING_FANOUT: 'threads' }), 2).fanout).toBe('threads');
  });

  it('refuses a worker that could receive no tasks, naming the variable', () => {
    expect(() => trainingFanoutSettings(loadRetrainerConfig({ RATCHET_RETRAINER_ROLE: 'worker' }), 1)).toThrow(/KAFKA_BROKERS.*RATCHET_RETRAINER_ROLE=worker trains tasks from the coordinator over Kafka/);
    expect(() =>
      trainingFanoutSettings(loadRetrainerConfig({ RATCHET_RETRAINER_ROLE: 'worker', KAFKA_BROKERS: '127.0.0.1:9092', RATCHET_TRAINING_FANOUT: 'threads' }), 1),
    ).toThrow(/RATCHET_TRAINING_FANOUT/);
  });

  it('lets a coordinator with bus fan-out train its own tasks and count them in its metrics', async () => {
    const bus = createMemoryBus();
    const metrics = createMetricsRegistry({ serviceName: 'retrainer' });
    const settings = trainingFanoutSettings(loadRetrainerConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }), 1);
    const fanout = await startTrainingFanout(settings, { bus, pool, logger, metrics });
    try {
      expect(fanout.executor).toBe(fanout.coordinator);
      const outcomes = await fanout.executor.run(fanout.executor.shareTable(table), tasks);
      expect(outcomes).toHaveLength(3);
      const text = await metrics.metrics();
      expect(text).toMatch(/ratchet_retrainer_training_tasks\{side="worker",state="trained",service="retrainer"\} 3/);
      expect(text).toMatch(/ratchet_retrainer_training_tasks\{side="coordinator",state="results",service="retrainer"\} 3/);
    } finally {
      await fanout.stop();
      await bus.close();
    }
  });

  it('keeps a coordinator with RATCHET_COORDINATOR_TRAINS=false out of training: its tasks wait for a worker', async () => {
    const bus = createMemoryBus();
    const config = (extra: Record<string, string>) => loadRetrainerConfig({ KAFKA_BROKERS: '127.0.0.1:9092', RATCHET_COORDINATOR_TRAINS: 'false', ...extra });
    const coordinator = await startTrainingFanout(trainingFanoutSettings(config({}), 1), { bus, pool, logger, metrics: createMetricsRegistry({ serviceName: 'retrainer' }) });
    let settled = false;
    try {
      expect(coordinator.worker).toBeUndefined();
      const run = coordinator.executor.run(coordinator.executor.shareTable(table), tasks).finally(() => (settled = true));
      await until(() => (coordinator.coordinator?.counters.published ?? 0) >= 3, 'the three tasks on the bus');
      expect(settled).toBe(false);
      const worker = await startRetrainerWorker({ ...trainingFanoutSettings(config({ RATCHET_RETRAINER_ROLE: 'worker' }), 1), httpHost: '127.0.0.1', httpPort: -1 }, { bus, pool, logger, metrics: createMetricsRegistry({ serviceName: 'retrainer' }) });
      try {
        expect(await run).toHaveLength(3);
        expect(worker.worker.counters.trained).toBe(3);
      } finally {
        await worker.stop();
      }
    } finally {
      await coordinator.stop();
      await bus.close();
    }
  });

  it('runs a worker process that trains tasks only and serves its counters', async () => {
    const bus = createMemoryBus();
    const settings = trainingFanoutSettings(loadRetrainerConfig({ KAFKA_BROKERS: '127.0.0.1:9092', RATCHET_RETRAINER_ROLE: 'worker' }), 1);
    const worker = await startRetrainerWorker({ ...settings, httpHost: '127.0.0.1', httpPort: 0 }, { bus, pool, logger, metrics: createMetricsRegistry({ serviceName: 'retrainer' }) });
    const coordinator = await BusTrainingExecutor.start(bus, { groupId: 'coordinator.results', logger });
    try {
      await coordinator.run(coordinator.shareTable(table), tasks);
      const api = (await (await fetch(`${worker.url}/api/tasks`)).json()) as { workerId: string; counters: { trained: number } };
      expect(api.counters.trained).toBe(3);
      expect(api.workerId).toBe(worker.worker.workerId);
      expect((await fetch(`${worker.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await coordinator.close();
      await worker.stop();
      await bus.close();
    }
  });
});
