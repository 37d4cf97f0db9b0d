import { extractLabels } from '../data/labels.js';
import { makeSyntheticBinary } from '../data/synthetic.js';
import { accuracy, labelsFromProba } from '../metrics/classification.js';
import { rocAuc } from '../metrics/roc-auc.js';
import { exportPipeline } from '../onnx/export-pipeline.js';
import { isBinaryPipeline } from '../pipeline/pipeline.js';
import { fitPipeline } from '../pipeline/train-from-spec.js';

/** A model input as a serving signature describes it (the shape of a registry manifest entry). */
export interface ServingInput {
  readonly name: string;
  readonly datatype: 'FP32' | 'BYTES';
  readonly shape: readonly number[];
  /** Numeric inputs accept NaN: the graph imputes missing values. */
  readonly allowNan: boolean;
}

/** A trained, exported demo model. */
export interface DemoModel {
  readonly onnx: Uint8Array;
  readonly inputs: readonly ServingInput[];
  readonly outputs: readonly { name: string; datatype: 'INT64' | 'FP32'; shape: readonly number[] }[];
  /** Held-out accuracy and ROC-AUC on fresh rows from the same generator. */
  readonly metrics: { readonly accuracy: number; readonly roc_auc: number };
  readonly trainRows: number;
}

/**
 * Trains the built-in demo model: L2 logistic regression on {@link makeSyntheticBinary} data
 * (numeric x1..x3 with missing values, categorical color and region), exported to ONNX with
 * its preprocessing inside the graph. `shift` moves the generator's feature distribution, so a
 * second call with more rows or a shift gives a plausible "retrained" version.
 */
export function demoModel(options: { seed?: number; nRows?: number; shift?: number } = {}): DemoModel {
  const seed = options.seed ?? 7;
  const nRows = options.nRows ?? 2000;
  const train = makeSyntheticBinary({ nRows, seed, missingRate: 0.05, shift: options.shift ?? 0 });
  const pipeline = fitPipeline(train.table, {
    schema: train.schema,
    model: { kind: 'logistic-regression', params: { l2: 1 } },
    seed,
  });
  if (!isBinaryPipeline(pipeline)) throw new Error('demo model: expected a binary classifier');
  const test = makeSyntheticBinary({ nRows: 1000, seed: seed + 1, missingRate: 0.05, shift: options.shift ?? 0 });
  const p = pipeline.predictProba(test.table);
  const y = extractLabels(test.table, test.schema);
  const inputs: ServingInput[] = pipeline.preprocessor.inputs.map((f) =>
    f.type === 'numeric'
      ? { name: f.name, datatype: 'FP32', shape: [-1, 1], allowNan: true }
      : { name: f.name, datatype: 'BYTES', shape: [-1, 1], allowNan: false },
  );
  return {
    onnx: exportPipeline(pipeline),
    inputs,
    outputs: [
      { name: 'label', datatype: 'INT64', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
    ],
    metrics: { accuracy: accuracy(y, labelsFromProba(p)), roc_auc: rocAuc(y, p) },
    trainRows: nRows,
  };
}
