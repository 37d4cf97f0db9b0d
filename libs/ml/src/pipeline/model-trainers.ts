/**
 * Model kind → trainer, used by `fitPipeline` / `trainFromSpec`. To make a model family
 * trainable from a spec, add one entry here. A trainer receives the design matrix and the
 * spec's plain-JSON params, validates them, and returns a fitted model.
 */
import { LOGISTIC_REGRESSION_KIND, fitLogisticRegression } from '../models/logistic-regression.js';
import type { JsonValue, TrainedModel, TrainingSet } from '../models/types.js';
import { CART_KIND, fitCart } from '../models/trees/cart.js';
import { GBDT_KIND, fitGbdt } from '../models/trees/gbdt.js';
import { MLP_KIND, fitMlp } from '../models/mlp/mlp.js';

/** Plain-JSON hyper-parameters of a model spec. */
export type ModelParams = Readonly<Record<string, JsonValue>>;

/** Fits one model kind. `seed` drives any randomness (bootstrap, init, shuffling). */
export type ModelTrainer = (data: TrainingSet, params: ModelParams, seed: number) => TrainedModel;

/**
 * Reads an optional numeric hyper-parameter; throws naming the model and key when it has the
 * wrong type (a bad spec will not train on retry either).
 */
export function numberParam(kind: string, params: ModelParams, key: string): number | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${kind}: param '${key}' must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads an optional boolean hyper-parameter. */
export function booleanParam(kind: string, params: ModelParams, key: string): boolean | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new TypeError(`${kind}: param '${key}' must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** Throws when `params` has keys a trainer does not know (catches typos such as `l2Penalty`). */
export function rejectUnknownParams(kind: string, params: ModelParams, known: readonly string[]): void {
  const unknown = Object.keys(params).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`${kind}: unknown params ${unknown.join(', ')} (known: ${known.join(', ')})`);
}

function trainLogisticRegression(data: TrainingSet, params: ModelParams): TrainedModel {
  const kind = LOGISTIC_REGRESSION_KIND;
  rejectUnknownParams(kind, params, ['l2', 'fitIntercept', 'tol', 'maxIter']);
  const l2 = numberParam(kind, params, 'l2');
  const fitIntercept = booleanParam(kind, params, 'fitIntercept');
  const tol = numberParam(kind, params, 'tol');
  const maxIter = numberParam(kind, params, 'maxIter');
  return fitLogisticRegression(data, {
    ...(l2 !== undefined ? { l2 } : {}),
    ...(fitIntercept !== undefined ? { fitIntercept } : {}),
    ...(tol !== undefined ? { tol } : {}),
    ...(maxIter !== undefined ? { maxIter } : {}),
  });
}

/** Reads optional numeric params by name into an options object (unknown keys are refused). */
function numericOptions(kind: string, params: ModelParams, keys: readonly string[], extra: readonly string[] = []): Record<string, number> {
  rejectUnknownParams(kind, params, [...keys, ...extra]);
  const out: Record<string, number> = {};
  for (const k of keys) {
    const v = numberParam(kind, params, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function trainCart(data: TrainingSet, params: ModelParams, seed: number): TrainedModel {
  const opts = numericOptions(CART_KIND, params, ['maxDepth', 'minSamplesSplit', 'minSamplesLeaf', 'minImpurityDecrease'], ['maxFeatures']);
  const mf = params['maxFeatures'];
  if (mf !== undefined && mf !== null && typeof mf !== 'number' && mf !== 'sqrt' && mf !== 'all') {
    throw new TypeError(`${CART_KIND}: param 'maxFeatures' must be a number, 'sqrt' or 'all', got ${JSON.stringify(mf)}`);
  }
  return fitCart(data, { ...opts, ...(mf !== undefined && mf !== null ? { maxFeatures: mf } : {}), seed });
}

function trainGbdt(data: TrainingSet, params: ModelParams, seed: number): TrainedModel {
  const opts = numericOptions(GBDT_KIND, params, [
    'nRounds', 'learningRate', 'maxDepth', 'maxLeaves', 'minSamplesLeaf', 'minChildWeight', 'lambda', 'minSplitGain', 'subsample', 'maxBins',
  ]);
  return fitGbdt(data, { ...opts, seed });
}

function trainMlp(data: TrainingSet, params: ModelParams, seed: number): TrainedModel {
  const opts = numericOptions(
    MLP_KIND,
    params,
    ['learningRate', 'batchSize', 'maxEpochs', 'l2', 'validationFraction', 'patience', 'tolerance'],
    ['hiddenLayers'],
  );
  const hl = params['hiddenLayers'];
  if (hl !== undefined && hl !== null && !(Array.isArray(hl) && hl.every((x) => typeof x === 'number'))) {
    throw new TypeError(`${MLP_KIND}: param 'hiddenLayers' must be an array of layer sizes, got ${JSON.stringify(hl)}`);
  }
  return fitMlp(data, { ...opts, ...(Array.isArray(hl) ? { hiddenLayers: hl as number[] } : {}), seed });
}

/** Built-in trainers, keyed by model kind. */
export const modelTrainers: Readonly<Record<string, ModelTrainer>> = {
  [LOGISTIC_REGRESSION_KIND]: trainLogisticRegression,
  [CART_KIND]: trainCart,
  [GBDT_KIND]: trainGbdt,
  [MLP_KIND]: trainMlp,
};
