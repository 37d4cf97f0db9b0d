import { type Table, Pipeline, isBinaryPipeline, takeRows, trainFromSpec } from '@ratchet/ml';
import type { TrainOutcome, TrainTask } from './messages.js';

/**
 * Runs one {@link TrainTask} on `table` in the calling thread: `trainFromSpec`, then, when
 * asked, the fitted pipeline's P(y = 1) on `evaluateRows`. The worker runs exactly this, so
 * in-process and pooled training give identical results for the same spec and seed.
 */
export function runTrainTask(table: Table, task: TrainTask): TrainOutcome {
  const result = trainFromSpec(task.spec, table);
  if (task.evaluateRows === undefined) return { result };
  const pipeline = Pipeline.fromJSON(result.pipeline);
  if (!isBinaryPipeline(pipeline)) throw new Error(`runTrainTask: model '${pipeline.model.kind}' is not a binary classifier`);
  return { result, predictions: pipeline.predictProba(takeRows(table, task.evaluateRows)) };
}
