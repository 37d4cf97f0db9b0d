/**
 * Model kind → trainer, used by `fitPipeline` / `trainFromSpec`. To make a model family
 * trainable from a spec, add one entry here. A trainer receives the design matrix and the
 * spec's plain-JSON params, validates them, and returns a fitted model.
 */
import { LOGISTIC_REGRESSION_KIND, fitLogisticRegression } from '../models/logistic-regression.js';
import type { JsonValue, TrainedModel, TrainingSet } from '../models/types.js';

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

/** Built-in trainers, keyed by model kind. */
export const modelTrainers: Readonly<Record<string, ModelTrainer>> = {
  [LOGISTIC_REGRESSION_KIND]: trainLogisticRegression,
};
