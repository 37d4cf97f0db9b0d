/**
 * A gated pair (A, B, gate) as ONE ONNX model, deployable as a single model version.
 *
 * Inputs: the union of the raw named columns of A, B and the gate (numeric FP32 `[N,1]` with
 * NaN = missing, categorical STRING `[N,1]`), as `exportPipeline` declares them. The graph
 * holds A's and B's preprocessing and models (ml's `emitPreprocessor` + `modelEmitters`), the
 * gate's own encoding, and the gate:
 * - kNN: z = (x − mean) / scale in FP64, squared distances to the stored reference points as
 *   ‖z‖² − 2·z·Rᵀ + ‖R‖² (one MatMul), `TopK` of the k smallest (ties → lower index, as the
 *   TypeScript gate), s = mean over the neighbours of (1[B right] − 1[A right]), route iff s > margin;
 * - meta: the meta model on [gate features, P_A(y=1), P_B(y=1)] emitted with ml's emitters,
 *   route iff A's and B's labels differ and P(B right) > threshold (compared in FP64).
 * Outputs: `label` INT64 `[N]`, `probabilities` FP32 `[N,2]` of the answering arm, and `arm`
 * INT64 `[N]` (0 = A answered, 1 = B), selected per row with `Where`.
 */
import {
  DEFAULT_MISSING_TOKENS,
  DataType,
  type EmittedFeatures,
  LABEL_OUTPUT,
  METADATA_KEYS,
  type ModelEmitter,
  type ModelOptions,
  OnnxGraphBuilder,
  PROBABILITIES_OUTPUT,
  type Pipeline,
  type TrainedModel,
  attr,
  emitPreprocessor,
  modelEmitters,
  tensor,
} from '@ratchet/ml';
import type { KnnGate } from './knn-gate.js';
import type { MetaGate } from './meta-gate.js';
import { type MetaModel, type PairGate, binaryModel, pipelineInputs, unionInputs } from './gated-pair.js';

/** Output naming which arm answered each row: INT64 `[N]`, 0 = A, 1 = B. */
export const ARM_OUTPUT = 'arm';

/** Model kind written to `ratchet.model_kind` for a composite. */
export const GATED_PAIR_KIND = 'gated-pair';

/** Metadata keys of a composite, beside ml's {@link METADATA_KEYS}. */
export const GATE_METADATA_KEYS = {
  /** `knn` or `meta`. */
  kind: 'ratchet.gate.kind',
  /** kNN margin or meta threshold: route iff score > this. */
  threshold: 'ratchet.gate.threshold',
  /** `false` when calibration found no feasible threshold (the graph always answers with A). */
  active: 'ratchet.gate.active',
  /** Regression budget the gate was calibrated to. */
  budget: 'ratchet.gate.budget',
  /** Confidence of the Clopper–Pearson bound used in calibration. */
  confidence: 'ratchet.gate.confidence',
  /** kNN: neighbours per query. */
  k: 'ratchet.gate.k',
  /** Meta gate: the meta model's kind. */
  metaModelKind: 'ratchet.gate.meta_model_kind',
  /** Model kinds of the arms. */
  armA: 'ratchet.arm_a.model_kind',
  armB: 'ratchet.arm_b.model_kind',
} as const;

/** Options for {@link exportGatedPair}. */
export interface ExportGatedPairOptions extends Omit<ModelOptions, 'metadata'> {
  /** Regression budget and confidence the gate was calibrated with (recorded in metadata). */
  readonly budget?: number;
  readonly confidence?: number;
  /** Emitters by model kind. Default ml's `modelEmitters`. */
  readonly emitters?: Readonly<Record<string, ModelEmitter>>;
  /** Categorical strings read as missing. Default `['', '?']`. */
  readonly missingTokens?: readonly string[];
  /** Name of the negative class in metadata. Default `not <positiveClass>`. */
  readonly negativeClass?: string;
  /** Extra metadata_props. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly graphName?: string;
}

function emitProbability(
  g: OnnxGraphBuilder,
  emitters: Readonly<Record<string, ModelEmitter>>,
  model: TrainedModel,
  features: EmittedFeatures,
  role: string,
): string {
  const emit = emitters[model.kind];
  if (emit === undefined) {
    throw new Error(`exportGatedPair: no ONNX emitter for ${role} model kind '${model.kind}' (have: ${Object.keys(emitters).join(', ')})`);
  }
  const out = emit(g, model, features);
  if (out.task !== 'binary') throw new Error(`exportGatedPair: ${role} model '${model.kind}' is not a binary classifier`);
  return out.positiveProbability;
}

/** BOOL `[N,1]`: 1[s(x) > margin] of the kNN gate, in FP64. */
function emitKnnRoute(g: OnnxGraphBuilder, gate: KnnGate, features: EmittedFeatures): string {
  const { dim, k } = gate;
  if (features.nFeatures !== dim) throw new RangeError(`exportGatedPair: kNN gate has dim ${dim}, its features ${features.nFeatures}`);
  const m = gate.rightA.length;
  const x = g.op('Cast', [features.name], { attributes: { to: attr.int(DataType.DOUBLE) } });
  const z = g.op('Div', [
    g.op('Sub', [x, g.constant('knn_mean', tensor.float64(gate.mean, [1, dim]))]),
    g.constant('knn_scale', tensor.float64(gate.scale, [1, dim])),
  ]);
  const transposed = new Float64Array(dim * m);
  const norms = new Float64Array(m);
  const votes = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = gate.points[r * dim + j] as number;
      transposed[j * m + r] = v;
      s += v * v;
    }
    norms[r] = s;
    votes[r] = (gate.rightB[r] as number) - (gate.rightA[r] as number);
  }
  const axis1 = g.constant('axis1', tensor.int64([1], [1]));
  const zNorm = g.op('ReduceSum', [g.op('Mul', [z, z]), axis1], { attributes: { keepdims: attr.int(1) } });
  const cross = g.op('MatMul', [z, g.constant('knn_points_t', tensor.float64(transposed, [dim, m]))]);
  const distance = g.op('Add', [
    g.op('Sub', [zNorm, g.op('Mul', [cross, g.constant('two', tensor.float64([2], [1]))])]),
    g.constant('knn_point_norms', tensor.float64(norms, [1, m])),
  ]);
  const [, nearest] = g.node('TopK', [distance, g.constant('knn_k', tensor.int64([k], [1]))], {
    nOutputs: 2,
    attributes: { axis: attr.int(1), largest: attr.int(0), sorted: attr.int(1) },
  });
  const neighbourVotes = g.op('Gather', [g.constant('knn_votes', tensor.float64(votes, [m])), nearest as string]);
  const score = g.op('Div', [
    g.op('ReduceSum', [neighbourVotes, axis1], { attributes: { keepdims: attr.int(1) } }),
    g.constant('knn_k_double', tensor.float64([k], [1])),
  ]);
  return g.op('Greater', [score, g.constant('knn_margin', tensor.float64([gate.margin], [1]))]);
}

/** BOOL `[N,1]`: 1[label_A ≠ label_B ∧ P(B right) > threshold] of the meta gate. */
function emitMetaRoute(
  g: OnnxGraphBuilder,
  emitters: Readonly<Record<string, ModelEmitter>>,
  gate: MetaGate<MetaModel>,
  features: EmittedFeatures,
  probaA: string,
  probaB: string,
  labelA: string,
  labelB: string,
): string {
  const { config, model } = gate;
  if (config.featureDim !== features.nFeatures || config.scoreDimA !== 1 || config.scoreDimB !== 1) {
    throw new RangeError(
      `exportGatedPair: meta gate expects ${config.featureDim} features + ${config.scoreDimA}/${config.scoreDimB} scores; ` +
        `the graph has ${features.nFeatures} features + P(y=1) of each arm`,
    );
  }
  const metaInput = g.op('Concat', [features.name, probaA, probaB], { attributes: { axis: attr.int(1) } });
  const pRight = emitProbability(g, emitters, model, { name: metaInput, nFeatures: features.nFeatures + 2 }, 'meta gate');
  const confident = g.op('Greater', [
    g.op('Cast', [pRight], { attributes: { to: attr.int(DataType.DOUBLE) } }),
    g.constant('meta_threshold', tensor.float64([config.threshold], [1])),
  ]);
  return g.op('And', [g.op('Xor', [labelA, labelB]), confident]);
}

/**
 * Serialises the gated pair (A, B, gate) to one `.onnx` model (see the file comment for the
 * graph). The composite computes `predictGatedPair` (probabilities within FP32 rounding).
 */
export function exportGatedPair(a: Pipeline, b: Pipeline, gate: PairGate, options: ExportGatedPairOptions = {}): Uint8Array {
  const {
    emitters = modelEmitters,
    missingTokens = DEFAULT_MISSING_TOKENS,
    metadata = {},
    budget,
    confidence,
    negativeClass,
    graphName,
    ...modelOptions
  } = options;
  binaryModel(a, 'A');
  binaryModel(b, 'B');
  if (a.schema.label !== b.schema.label || a.schema.positiveClass !== b.schema.positiveClass) {
    throw new Error(
      `exportGatedPair: A predicts ${a.schema.label}=${a.schema.positiveClass}, B predicts ${b.schema.label}=${b.schema.positiveClass}`,
    );
  }
  const inputs = unionInputs(pipelineInputs(a), pipelineInputs(b), gate.features.inputs);
  for (const reserved of [LABEL_OUTPUT, PROBABILITIES_OUTPUT, ARM_OUTPUT]) {
    if (inputs.some((f) => f.name === reserved)) throw new Error(`exportGatedPair: input column '${reserved}' clashes with an output name`);
  }
  const g = new OnnxGraphBuilder(graphName ?? 'ratchet_gated_pair');
  const emitOptions = { missingTokens, shareInputs: true };
  const probaA = emitProbability(g, emitters, a.model, emitPreprocessor(g, a.preprocessor, emitOptions), 'A');
  const probaB = emitProbability(g, emitters, b.model, emitPreprocessor(g, b.preprocessor, emitOptions), 'B');
  const gateFeatures = emitPreprocessor(g, gate.features, emitOptions);
  const half = g.constant('half', tensor.float32([0.5], [1]));
  const labelA = g.op('Greater', [probaA, half]);
  const labelB = g.op('Greater', [probaB, half]);
  let route =
    gate.kind === 'knn'
      ? emitKnnRoute(g, gate.gate, gateFeatures)
      : emitMetaRoute(g, emitters, gate.gate, gateFeatures, probaA, probaB, labelA, labelB);
  const active = gate.kind === 'knn' ? gate.gate.active : gate.gate.config.active;
  if (!active) route = g.op('And', [route, g.constant('inactive', tensor.bool([false], [1]))]);

  const one = g.constant('one', tensor.float32([1], [1]));
  const twoColumns = (p: string) => g.op('Concat', [g.op('Sub', [one, p]), p], { attributes: { axis: attr.int(1) } });
  g.op('Where', [route, twoColumns(probaB), twoColumns(probaA)], { outputs: [PROBABILITIES_OUTPUT] });
  const flat = g.constant('flat', tensor.int64([-1], [1]));
  const positive = g.op('Greater', [g.op('Where', [route, probaB, probaA]), half]);
  const label = g.op('Cast', [positive], { attributes: { to: attr.int(DataType.INT64) } });
  g.op('Reshape', [label, flat], { outputs: [LABEL_OUTPUT] });
  g.op('Reshape', [g.op('Cast', [route], { attributes: { to: attr.int(DataType.INT64) } }), flat], { outputs: [ARM_OUTPUT] });
  g.addOutput(LABEL_OUTPUT, DataType.INT64, ['N']);
  g.addOutput(PROBABILITIES_OUTPUT, DataType.FLOAT, ['N', 2]);
  g.addOutput(ARM_OUTPUT, DataType.INT64, ['N'], '0 = A answered, 1 = B answered');

  const gateMetadata: Record<string, string> =
    gate.kind === 'knn'
      ? {
          [GATE_METADATA_KEYS.threshold]: String(gate.gate.margin),
          [GATE_METADATA_KEYS.k]: String(gate.gate.k),
        }
      : {
          [GATE_METADATA_KEYS.threshold]: String(gate.gate.config.threshold),
          [GATE_METADATA_KEYS.metaModelKind]: gate.gate.model.kind,
        };
  return g.toBytes({
    ...modelOptions,
    metadata: {
      [METADATA_KEYS.inputs]: JSON.stringify(inputs),
      [METADATA_KEYS.classes]: JSON.stringify([negativeClass ?? `not ${a.schema.positiveClass}`, a.schema.positiveClass]),
      [METADATA_KEYS.labelColumn]: a.schema.label,
      [METADATA_KEYS.modelKind]: GATED_PAIR_KIND,
      [METADATA_KEYS.missingTokens]: JSON.stringify(missingTokens),
      [METADATA_KEYS.threshold]: '0.5',
      [GATE_METADATA_KEYS.kind]: gate.kind,
      [GATE_METADATA_KEYS.active]: String(active),
      ...(budget !== undefined ? { [GATE_METADATA_KEYS.budget]: String(budget) } : {}),
      ...(confidence !== undefined ? { [GATE_METADATA_KEYS.confidence]: String(confidence) } : {}),
      [GATE_METADATA_KEYS.armA]: a.model.kind,
      [GATE_METADATA_KEYS.armB]: b.model.kind,
      ...gateMetadata,
      ...metadata,
    },
  });
}
