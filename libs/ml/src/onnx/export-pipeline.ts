/**
 * Exports a fitted {@link Pipeline} as one ONNX model that takes raw named columns
 * (numeric → FP32 `[N,1]`, categorical → STRING `[N,1]`) and outputs
 * - `label`: INT64 `[N]`, 1 when P(y = 1) > 0.5 else 0;
 * - `probabilities`: FP32 `[N, 2]`, columns P(y = 0), P(y = 1).
 * The model is dispatched on `model.kind` to an emitter of {@link modelEmitters}.
 */
import type { Pipeline } from '../pipeline/pipeline.js';
import { DataType } from './onnx-proto.js';
import { type ModelOptions, OnnxGraphBuilder, attr, tensor } from './graph-builder.js';
import { DEFAULT_MISSING_TOKENS, emitPreprocessor } from './emit-preprocessor.js';
import { type ModelEmitter, modelEmitters } from './model-emitters.js';

/** Output tensor names of exported classifiers. */
export const LABEL_OUTPUT = 'label';
export const PROBABILITIES_OUTPUT = 'probabilities';

/** Metadata keys written by {@link exportPipeline}. */
export const METADATA_KEYS = {
  /** JSON `[{ name, type }]`: the graph inputs, in order. */
  inputs: 'ratchet.inputs',
  /** JSON `[negative, positive]` label values; `label` = index into it. */
  classes: 'ratchet.classes',
  /** Label column name. */
  labelColumn: 'ratchet.label_column',
  /** Model kind, e.g. `logistic-regression`. */
  modelKind: 'ratchet.model_kind',
  /** JSON array of design-matrix column names. */
  featureNames: 'ratchet.feature_names',
  /** JSON array of strings read as a missing categorical value. */
  missingTokens: 'ratchet.missing_tokens',
  /** Decision threshold on P(y = 1) for `label`. */
  threshold: 'ratchet.threshold',
} as const;

/** Options for {@link exportPipeline}. */
export interface ExportPipelineOptions extends Omit<ModelOptions, 'metadata'> {
  /** Emitters by model kind. Default {@link modelEmitters}. */
  readonly emitters?: Readonly<Record<string, ModelEmitter>>;
  /** Categorical strings read as missing. Default `['', '?']`. */
  readonly missingTokens?: readonly string[];
  /** Name given to the negative class in metadata. Default `not <positiveClass>`. */
  readonly negativeClass?: string;
  /** Extra metadata_props (e.g. registry version, training data hash). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Graph name. Default `ratchet_<kind>`. */
  readonly graphName?: string;
}

/** Serialises a binary-classification pipeline to `.onnx` bytes. */
export function exportPipeline(pipeline: Pipeline, options: ExportPipelineOptions = {}): Uint8Array {
  const { emitters = modelEmitters, missingTokens = DEFAULT_MISSING_TOKENS, metadata = {}, ...modelOptions } = options;
  const { model, preprocessor, schema } = pipeline;
  for (const reserved of [LABEL_OUTPUT, PROBABILITIES_OUTPUT]) {
    if (preprocessor.features.some((f) => f.name === reserved)) {
      throw new Error(`exportPipeline: feature column '${reserved}' clashes with an output name; rename it`);
    }
  }
  const emit = emitters[model.kind];
  if (emit === undefined) {
    throw new Error(`exportPipeline: no ONNX emitter for model kind '${model.kind}' (have: ${Object.keys(emitters).join(', ')})`);
  }
  const g = new OnnxGraphBuilder(options.graphName ?? `ratchet_${model.kind.replace(/[^A-Za-z0-9_]/g, '_')}`);
  const features = emitPreprocessor(g, preprocessor, { missingTokens });
  const emitted = emit(g, model, features);
  if (emitted.task !== 'binary') {
    throw new Error(`exportPipeline: model kind '${model.kind}' emitted a ${emitted.task} output; only binary export is supported`);
  }
  const threshold = 0.5;
  const p = emitted.positiveProbability;
  const q = g.op('Sub', [g.constant('one', tensor.float32([1], [1])), p]);
  g.op('Concat', [q, p], { outputs: [PROBABILITIES_OUTPUT], attributes: { axis: attr.int(1) } });
  const positive = g.op('Greater', [p, g.constant('threshold', tensor.float32([threshold], [1]))]);
  const label = g.op('Cast', [positive], { attributes: { to: attr.int(DataType.INT64) } });
  g.op('Reshape', [label, g.constant('flat', tensor.int64([-1], [1]))], { outputs: [LABEL_OUTPUT] });
  g.addOutput(LABEL_OUTPUT, DataType.INT64, ['N']);
  g.addOutput(PROBABILITIES_OUTPUT, DataType.FLOAT, ['N', 2]);
  const negativeClass = options.negativeClass ?? `not ${schema.positiveClass}`;
  return g.toBytes({
    ...modelOptions,
    metadata: {
      [METADATA_KEYS.inputs]: JSON.stringify(preprocessor.inputs),
      [METADATA_KEYS.classes]: JSON.stringify([negativeClass, schema.positiveClass]),
      [METADATA_KEYS.labelColumn]: schema.label,
      [METADATA_KEYS.modelKind]: model.kind,
      [METADATA_KEYS.featureNames]: JSON.stringify(preprocessor.featureNames),
      [METADATA_KEYS.missingTokens]: JSON.stringify(missingTokens),
      [METADATA_KEYS.threshold]: String(threshold),
      ...metadata,
    },
  });
}
