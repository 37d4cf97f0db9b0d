/**
 * The contract every trained model in `@ratchet/ml` implements.
 *
 * Models see only the *preprocessed* dense design matrix: a row-major `Float64Array` of
 * `nRows × nFeatures` values (see `Preprocessor.transform`). Raw columns, missing values and
 * categories are the preprocessor's business, so a model never allocates per row.
 */

/** What a model predicts. Only `'binary'` is trained today; `'regression'` is reserved. */
export type Task = 'binary' | 'regression';

/**
 * Model family discriminator. Built-in kinds are listed for autocompletion; any other string is
 * accepted so a new family can be added without touching this file.
 */
export type ModelKind = 'logistic-regression' | 'cart' | 'gbdt' | 'mlp' | (string & {});

/** JSON-safe values (what `JSON.stringify` round-trips exactly, plus nothing else). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The serialised form of any model: enough to rebuild it with its kind's `fromJSON`. */
export interface SerializedModel<K extends ModelKind = ModelKind, P extends JsonValue = JsonValue> {
  readonly kind: K;
  readonly task: Task;
  /** Number of columns of the design matrix the model was trained on. */
  readonly nFeatures: number;
  /** Kind-specific parameters (weights, trees, layers…). */
  readonly params: P;
}

/** Fields shared by every trained model. */
export interface Model {
  readonly kind: ModelKind;
  readonly task: Task;
  readonly nFeatures: number;
  /** Serialisable parameters; `JSON.stringify(model)` uses this. */
  toJSON(): SerializedModel;
}

/** A trained binary classifier. */
export interface BinaryClassifier extends Model {
  readonly task: 'binary';
  /**
   * P(y = 1 | x) for each row of the row-major design matrix `X` (`nRows × nFeatures`).
   * Must not retain or mutate `X`.
   */
  predictProba(X: Float64Array, nRows: number): Float64Array;
}

/** A trained regressor (reserved for regression models). */
export interface Regressor extends Model {
  readonly task: 'regression';
  /** E[y | x] for each row of the row-major design matrix `X` (`nRows × nFeatures`). */
  predict(X: Float64Array, nRows: number): Float64Array;
}

/** Any trained model, discriminated by `task`. */
export type TrainedModel = BinaryClassifier | Regressor;

/**
 * What every binary trainer takes: the design matrix, 0/1 labels and optional sample weights.
 * (Field names match the tree/MLP trainers so one object feeds any of them.)
 */
export interface TrainingSet {
  /** Row-major design matrix, `X[i * nFeatures + j]` is feature j of row i. */
  readonly X: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
  /** Labels, each exactly 0 or 1. */
  readonly y: Float64Array;
  /** Optional per-row weights (finite, ≥ 0); all 1 when absent. */
  readonly sampleWeight?: Float64Array;
}

/** Rebuilds a model from its serialised form; one per model kind. */
export type ModelDecoder = (json: SerializedModel) => TrainedModel;

/** True when the model predicts binary class probabilities. */
export function isBinaryClassifier(model: Model): model is BinaryClassifier {
  return model.task === 'binary';
}

/**
 * Throws when a design matrix does not have `nRows × nFeatures` values, so every model checks
 * its input the same way and the message names the model kind.
 */
export function assertDesignMatrix(kind: ModelKind, X: Float64Array, nRows: number, nFeatures: number): void {
  if (!Number.isInteger(nRows) || nRows < 0) {
    throw new RangeError(`${kind}: nRows must be a non-negative integer, got ${nRows}`);
  }
  if (X.length !== nRows * nFeatures) {
    throw new RangeError(
      `${kind}: design matrix has ${X.length} values, expected ${nRows} rows × ${nFeatures} features = ${nRows * nFeatures}`,
    );
  }
}
