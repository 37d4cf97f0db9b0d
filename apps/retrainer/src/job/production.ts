import type { TensorSpec } from '@ratchet/contracts';
import { type FeatureSpec, Pipeline, type PipelineJSON, type Table } from '@ratchet/ml';
import { type FileRegistry, type ModelVersionRecord, compareSemver } from '@ratchet/registry';
import { type ModelRef, onnxPredictor } from '@ratchet/training';
import type { ProductionModel } from './publishing-rule.js';

/** Manifest report holding the trained pipeline JSON of a version the retrainer published. */
export const PIPELINE_REPORT = 'pipeline';

/**
 * Manifest label with the model's regression budget: the share of held-out rows a new version
 * may get wrong where production was right. Set it on a version (`labels.budget` in the manifest
 * given to `ratchet publish --manifest`) to hold that model to another budget than the
 * retrainer's default;
 * every version the retrainer publishes carries the budget it was held to, so it carries over.
 */
export const REGRESSION_BUDGET_LABEL = 'budget';

/** The regression budget of the model of `record`: its manifest label when valid, else `fallback`. */
export function regressionBudget(record: ModelVersionRecord, fallback: number): number {
  const text = record.manifest.labels[REGRESSION_BUDGET_LABEL];
  if (text === undefined || text.trim() === '') return fallback;
  const b = Number(text);
  if (!(b >= 0 && b <= 1)) throw Object.assign(new Error(`${record.model}@${record.version}: manifest label ${REGRESSION_BUDGET_LABEL}='${text}' is not a share in [0, 1]`), { retriable: false });
  return b;
}

/** The production version a job starts from, with what the job needs of it. */
export interface ProductionVersion {
  readonly record: ModelVersionRecord;
  readonly onnx: Uint8Array;
  /** From `reports.pipeline` (for a composite: its candidate arm, used for distances only). */
  readonly pipeline?: Pipeline;
  /** Raw input columns of the served graph. */
  readonly inputs: readonly FeatureSpec[];
  /** Label column and positive class the candidates are trained with. */
  readonly label: string;
  readonly positiveClass: string;
  /** Model kind of the candidates: production's, else the manifest label `model_kind`, else the default. */
  readonly modelKind: string;
  /** f0 of the selection: the pipeline, else the ONNX bytes (permutation distance). */
  readonly ref: ModelRef;
}

/** Raw input columns of a manifest: BYTES → categorical, any number → numeric. */
export function manifestFeatureSpecs(inputs: readonly TensorSpec[]): FeatureSpec[] {
  return inputs.map((t) => ({ name: t.name, type: t.datatype === 'BYTES' ? 'categorical' : 'numeric' }));
}

/** Manifest inputs of raw columns, as `exportPipeline` declares them (FP32 or BYTES, [-1, 1]). */
export function manifestInputs(inputs: readonly FeatureSpec[]): TensorSpec[] {
  return inputs.map((f) =>
    f.type === 'numeric'
      ? { name: f.name, datatype: 'FP32', shape: [-1, 1], allowNan: true }
      : { name: f.name, datatype: 'BYTES', shape: [-1, 1], allowNan: false },
  );
}

/** The highest version of a model in the registry (the default production), or undefined. */
export async function latestVersion(registry: FileRegistry, model: string): Promise<string | undefined> {
  const versions = await registry.versions(model);
  return versions.sort(compareSemver).at(-1);
}

/** Loads a version as a job's production: artifact, pipeline (when recorded), inputs, label. */
export async function loadProduction(registry: FileRegistry, model: string, version: string, defaultModelKind: string): Promise<ProductionVersion> {
  const record = await registry.get(model, version);
  if (record === undefined) throw Object.assign(new Error(`production ${model}@${version} is not in the registry`), { retriable: false });
  const onnx = await registry.readArtifact(record);
  const json = record.manifest.reports[PIPELINE_REPORT];
  const pipeline = json ? Pipeline.fromJSON(JSON.parse(json) as PipelineJSON) : undefined;
  const labels = record.manifest.labels;
  return {
    record,
    onnx,
    ...(pipeline ? { pipeline } : {}),
    inputs: manifestFeatureSpecs(record.manifest.inputs),
    label: pipeline?.schema.label ?? labels['label'] ?? 'label',
    positiveClass: pipeline?.schema.positiveClass ?? labels['positive_class'] ?? '1',
    modelKind: pipeline?.model.kind ?? labels['model_kind'] ?? defaultModelKind,
    ref: pipeline ? { pipeline: pipeline.toJSON() } : { onnx },
  };
}

/**
 * Production as the publishing rule sees it: probabilities from the served ONNX graph through
 * onnxruntime (what clients actually get, composite or not); the pipeline only when the
 * version is a plain pipeline a gate can pair with. Call `release` when done.
 */
export async function productionModel(p: ProductionVersion): Promise<ProductionModel & { release(): Promise<void> }> {
  const predictor = await onnxPredictor(p.onnx, p.inputs);
  const plain = p.pipeline !== undefined && p.record.manifest.format === 'onnx';
  return {
    version: p.record.version,
    proba: (table: Table) => predictor.predict(table),
    ...(plain && p.pipeline ? { pipeline: p.pipeline } : {}),
    release: () => predictor.release(),
  };
}
