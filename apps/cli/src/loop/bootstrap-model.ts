import {
  accuracy,
  exportPipeline,
  extractLabels,
  fitPipeline,
  isBinaryPipeline,
  labelsFromProba,
  rocAuc,
  sliceRows,
} from '@ratchet/ml';
import { referenceProfileFromTable } from '@ratchet/monitor';
import { type FileRegistry, type ModelVersionRecord, bumpSemver } from '@ratchet/registry';
import { PIPELINE_REPORT } from '@ratchet/retrainer';
import { manifestInputs } from '../onnx-scoring.js';
import type { LoopSource } from './stream-source.js';

/** The first version of the loop's model. */
export interface BootstrapResult {
  readonly record: ModelVersionRecord;
  /** False when a version trained by the same recipe was already in the registry. */
  readonly trained: boolean;
  /** Held-out accuracy and ROC-AUC (last 20 % of the bootstrap rows), when trained now. */
  readonly metrics?: { readonly accuracy: number; readonly roc_auc: number };
  readonly ms: number;
}

/** Model kind and parameters of the first version. */
export const BOOTSTRAP_MODEL = { kind: 'gbdt', params: { nRounds: 60, maxDepth: 4 } } as const;

/**
 * Trains the first version on the source's bootstrap rows (GBDT, preprocessing inside the ONNX
 * graph), with the drift reference profile of those rows (and their scores) in its manifest
 * report `drift_profile`, and publishes it: 1.0.0 on an empty registry, else the next major.
 * A version with the same recipe label is reused instead, so a rerun on the same `--var` does
 * not pile up identical versions. `extraLabels` go into the manifest too (e.g. the model's
 * regression `budget`).
 */
export async function bootstrapModel(registry: FileRegistry, source: LoopSource, seed: number, extraLabels: Readonly<Record<string, string>> = {}): Promise<BootstrapResult> {
  const t0 = performance.now();
  const existing = (await registry.list(source.model)).find((r) => r.manifest.labels['bootstrap'] === source.recipe);
  if (existing) return { record: existing, trained: false, ms: performance.now() - t0 };
  const { train, schema } = source;
  const cut = Math.floor(train.nRows * 0.8);
  // Held-out check on the last fifth, then the shipped model is refitted on every bootstrap row.
  const check = fitPipeline(sliceRows(train, 0, cut), { schema, model: BOOTSTRAP_MODEL, seed });
  if (!isBinaryPipeline(check)) throw new Error(`bootstrap of '${source.model}': expected a binary classifier`);
  const test = sliceRows(train, cut);
  const yTest = extractLabels(test, schema);
  const pTest = check.predictProba(test);
  const metrics = { accuracy: accuracy(yTest, labelsFromProba(pTest)), roc_auc: rocAuc(yTest, pTest) };
  const pipeline = fitPipeline(train, { schema, model: BOOTSTRAP_MODEL, seed });
  if (!isBinaryPipeline(pipeline)) throw new Error(`bootstrap of '${source.model}': expected a binary classifier`);
  const profile = referenceProfileFromTable(train, schema, { scores: pipeline.predictProba(train) });
  const latest = await registry.latest(source.model);
  const version = latest ? bumpSemver(latest.version, 'major') : '1.0.0';
  const record = await registry.publish({
    model: source.model,
    version,
    artifact: exportPipeline(pipeline),
    manifest: {
      format: 'onnx',
      inputs: manifestInputs(pipeline.preprocessor.inputs),
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1], allowNan: false },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2], allowNan: false },
      ],
      metrics,
      labels: {
        trainer: 'ratchet up (bootstrap)',
        model_kind: BOOTSTRAP_MODEL.kind,
        params: JSON.stringify(BOOTSTRAP_MODEL.params),
        data: source.description,
        train_rows: String(train.nRows),
        bootstrap: source.recipe,
        ...extraLabels,
      },
      // The pipeline lets a retraining job pair it with a candidate behind a gate (a composite).
      reports: { drift_profile: JSON.stringify(profile.toJSON()), [PIPELINE_REPORT]: JSON.stringify(pipeline.toJSON()) },
    },
  });
  return { record, trained: true, metrics, ms: performance.now() - t0 };
}
