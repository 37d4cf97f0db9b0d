import { describe, expect, it } from 'vitest';
import { Topics } from '@ratchet/contracts';
import { categoricalColumn, createTable, numericColumn } from '@ratchet/ml';
import { compactTask, runTrainTask } from '@ratchet/training';
import { decodeTrainingResult, decodeTrainingTask, failedResultMessage, trainingResultMessage, trainingTaskMessage } from './task-codec.js';

const n = 300;
const table = createTable([
  // Float32-exact values (as the batch store's FP32 tensors give) with a missing one.
  numericColumn('a', Array.from({ length: n }, (_, i) => (i === 7 ? null : (i % 17) * 0.25))),
  // Needs float64.
  numericColumn('b', Array.from({ length: n }, (_, i) => Math.sin(i) / 3)),
  categoricalColumn('c', Array.from({ length: n }, (_, i) => (i === 3 ? null : `k${i % 300}`))),
  categoricalColumn('y', Array.from({ length: n }, (_, i) => (Math.sin(i * 1.7) > 0 ? 'yes' : 'no'))),
]);
const schema = {
  features: [
    { name: 'a', type: 'numeric' as const },
    { name: 'b', type: 'numeric' as const },
    { name: 'c', type: 'categorical' as const },
  ],
  label: 'y',
  positiveClass: 'yes',
};
const address = { runId: 'run-1', jobId: 'm/job-1', taskIndex: 2, taskCount: 5, attempt: 1 };
const task = {
  spec: { schema, model: { kind: 'logistic-regression', params: { l2: 1 } }, rows: Int32Array.from({ length: 200 }, (_, i) => (i * 7) % 200), seed: 3 },
  evaluateRows: Int32Array.from({ length: 100 }, (_, i) => 200 + i),
};

describe('training task messages', () => {
  it('carry each column in its narrowest exact datatype and decode to the same table and task', () => {
    const compact = compactTask(table, task);
    const wire = Topics.retrainTasks.codec.decode(Topics.retrainTasks.codec.encode(trainingTaskMessage(compact, address, 0)));
    expect(wire.columns.map((c) => c.values?.datatype)).toEqual(['FP32', 'FP64', 'INT16', 'INT8']);
    expect(wire.trainRows?.datatype).toBe('UINT16');
    const decoded = decodeTrainingTask(wire);
    expect(decoded.table).toEqual(compact.table);
    expect(decoded.task).toEqual(compact.task);
    const outcome = runTrainTask(decoded.table, decoded.task);
    expect(outcome).toEqual(runTrainTask(table, task));
  });

  it('leave the row lists out when the task trains on every row and evaluates none', () => {
    const compact = compactTask(table, { spec: { schema, model: { kind: 'cart' } } });
    const decoded = decodeTrainingTask(trainingTaskMessage(compact, address, 0));
    expect(decoded.task.spec.rows).toBeUndefined();
    expect(decoded.task.evaluateRows).toBeUndefined();
    expect(decoded.table.nRows).toBe(n);
  });

  it('refuse a task with a row outside its table, naming run, task and row, not retriably', () => {
    const msg = trainingTaskMessage(compactTask(table, task), address, 0);
    const bad = { ...msg, nRows: msg.nRows - 1, columns: [] };
    expect(() => decodeTrainingTask(bad)).toThrow(/training task 2 of run run-1 \(job m\/job-1\) is malformed: evaluate_rows\[99\] = 299 is outside \[0, 299\)/);
    expect(() => decodeTrainingTask(bad)).toThrow(expect.objectContaining({ retriable: false }));
  });
});

describe('training result messages', () => {
  it('carry the pipeline and float64 predictions exactly', () => {
    const msg = trainingTaskMessage(compactTask(table, task), address, 0);
    const outcome = runTrainTask(table, task);
    const wire = Topics.retrainResults.codec.decode(Topics.retrainResults.codec.encode(trainingResultMessage(msg, outcome, { workerId: 'w', trainMs: 3, finishedAtMs: 9 })));
    expect(wire).toMatchObject({ runId: 'run-1', taskIndex: 2, attempt: 1, workerId: 'w', ok: true });
    expect(decodeTrainingResult(wire)).toEqual(outcome);
  });

  it('say what went wrong when a worker could not train the task', () => {
    const msg = trainingTaskMessage(compactTask(table, task), address, 0);
    expect(failedResultMessage(msg, 'unknown params x', { workerId: 'w', trainMs: 0, finishedAtMs: 0 })).toMatchObject({ ok: false, error: 'unknown params x', resultJson: '' });
  });
});
