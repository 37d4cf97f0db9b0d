import { exportPipeline, extractLabels, fitPipeline, makeSyntheticBinary } from '@ratchet/ml';
import type { FileRegistry } from '@ratchet/registry';
import { tableRows } from '../batch-store/labeled-rows.js';
import type { BatchStore } from '../batch-store/batch-store.js';
import { PIPELINE_REPORT, manifestInputs } from '../job/production.js';

/**
 * For specs: a model worth retraining. Publishes `<model>@1.0.0`, a logistic regression on 60
 * rows from before a covariate shift (weak, so a retrain helps), with its pipeline in the
 * manifest as the retrainer publishes it, and stores 2,500 labelled rows from after the shift
 * (5 batches with a store of 500-row batches).
 */
export async function seedDriftedModel(registry: FileRegistry, store: BatchStore, model = 'm'): Promise<void> {
  const before = makeSyntheticBinary({ nRows: 60, seed: 1 });
  const pipeline = fitPipeline(before.table, { schema: before.schema, model: { kind: 'logistic-regression', params: {} } });
  await registry.publish({
    model,
    version: '1.0.0',
    artifact: exportPipeline(pipeline),
    manifest: { format: 'onnx', inputs: manifestInputs(pipeline.preprocessor.inputs), reports: { [PIPELINE_REPORT]: JSON.stringify(pipeline.toJSON()) } },
  });
  const after = makeSyntheticBinary({ nRows: 2500, seed: 2, shift: 1 });
  const y = extractLabels(after.table, after.schema);
  await store.append(model, tableRows(after.table, y, { keyPrefix: 'after', label: after.schema.label, timeMs: 1_000 }));
}
