import { afterAll, describe, expect, it } from 'vitest';
import { type TrainSpec, makeSyntheticBinary } from '@ratchet/ml';
import { runTrainTask } from './run-task.js';
import { TrainingError } from './training-error.js';
import { TrainingPool, defaultWorkerUrl } from './training-pool.js';

const { table, schema } = makeSyntheticBinary({ nRows: 600, seed: 3 });
const rows = Int32Array.from({ length: 400 }, (_, i) => i);
const evaluateRows = Int32Array.from({ length: 200 }, (_, i) => 400 + i);
const specs: TrainSpec[] = [
  { schema, model: { kind: 'logistic-regression', params: { l2: 0.5 } }, rows, seed: 1 },
  { schema, model: { kind: 'cart', params: { maxDepth: 4, maxFeatures: 'sqrt' } }, rows, seed: 2 },
  { schema, model: { kind: 'gbdt', params: { nRounds: 10, subsample: 0.7 } }, rows, seed: 3 },
  { schema, model: { kind: 'mlp', params: { hiddenLayers: [8], maxEpochs: 5 } }, rows, seed: 4 },
];

describe('TrainingPool', () => {
  const pool = new TrainingPool({ size: 2 });
  const handle = pool.shareTable(table);
  afterAll(() => pool.close());

  it('trains the same models on worker threads as in process for the same seeds', async () => {
    const progress: number[] = [];
    const outcomes = await pool.run(handle, specs.map((spec) => ({ spec, evaluateRows })), { onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([1, 2, 3, 4]);
    outcomes.forEach((outcome, i) => {
      const local = runTrainTask(table, { spec: specs[i] as TrainSpec, evaluateRows });
      expect(outcome.result).toEqual(local.result);
      expect(Array.from(outcome.predictions ?? [])).toEqual(Array.from(local.predictions ?? []));
    });
  });

  it('rejects a run with a TrainingError that names the failing spec', async () => {
    const bad: TrainSpec = { schema, model: { kind: 'cart', params: { maxDepht: 3 } }, rows, seed: 1 };
    const err = await pool.run(handle, [{ spec: specs[0] as TrainSpec }, { spec: bad }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).spec).toEqual(bad);
    expect((err as TrainingError).taskIndex).toBe(1);
    expect((err as TrainingError).retriable).toBe(false);
    expect((err as TrainingError).message).toMatch(/unknown params maxDepht/);
  });

  it('cancels a run on abort and keeps working afterwards', async () => {
    const controller = new AbortController();
    const slow = Array.from({ length: 6 }, (_, i): { spec: TrainSpec } => ({
      spec: { schema, model: { kind: 'gbdt', params: { nRounds: 200 } }, seed: i },
    }));
    const pending = pool.run(handle, slow, { signal: controller.signal });
    controller.abort(new Error('user pressed ctrl-c'));
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as TrainingError).message).toMatch(/cancelled: user pressed ctrl-c/);
    const again = await pool.run(handle, [{ spec: specs[0] as TrainSpec }]);
    expect(again[0]?.result).toEqual(runTrainTask(table, { spec: specs[0] as TrainSpec }).result);
  });

  it('refuses work after close', async () => {
    const other = new TrainingPool({ size: 1 });
    const h = other.shareTable(table);
    const done = other.run(h, [{ spec: specs[0] as TrainSpec }]);
    await other.close();
    expect((await done).length).toBe(1);
    expect(() => other.run(h, [])).toThrow(/closed/);
  });
});

describe('defaultWorkerUrl', () => {
  it('points TypeScript sources at the built worker and built code at its sibling', () => {
    expect(defaultWorkerUrl('file:///repo/libs/training/src/training-pool.ts').href).toBe('file:///repo/libs/training/dist/training-worker.js');
    expect(defaultWorkerUrl('file:///repo/libs/training/dist/training-pool.js').href).toBe('file:///repo/libs/training/dist/training-worker.js');
  });
});
