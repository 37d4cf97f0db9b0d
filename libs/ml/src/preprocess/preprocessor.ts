/**
 * The fitted preprocessor: raw table columns → dense row-major design matrix.
 *
 * Features are laid out in schema order; a numeric feature takes one column, a categorical
 * one takes one column per training category (plus a missing indicator when configured).
 */
import type { FeatureSpec } from '../data/schema.js';
import { type Table, MISSING_CODE, getCategoricalColumn, getNumericColumn } from '../data/table.js';
import {
  type CategoricalFeatureParams,
  type CategoricalMissing,
  MISSING_FEATURE_LABEL,
  categoricalCodeMap,
  categoricalWidth,
  fitCategoricalFeature,
} from './categorical-feature.js';
import { type ImputeStrategy, type NumericFeatureParams, encodeNumeric, fitNumericFeature } from './numeric-feature.js';

/** Fitted parameters of one input feature. */
export type FeatureParams = NumericFeatureParams | CategoricalFeatureParams;

/** Options for {@link Preprocessor.fit}. */
export interface PreprocessorOptions {
  /** Numeric imputation. Default `'mean'`. */
  readonly impute?: ImputeStrategy;
  /** Standardise numeric features to mean 0, sd 1. Default true. */
  readonly standardize?: boolean;
  /** Missing categorical values: own indicator column, or all zeros. Default `'indicator'`. */
  readonly categoricalMissing?: CategoricalMissing;
  /** Categories seen fewer times in training are treated as unseen. Default 1. */
  readonly minCategoryCount?: number;
  /** Keep at most this many categories per feature (most frequent). Default unlimited. */
  readonly maxCategories?: number;
}

/** Serialised preprocessor. */
export interface PreprocessorJSON {
  readonly version: 1;
  readonly features: readonly FeatureParams[];
}

/** Raw columns → design matrix, with parameters fitted on training data. Immutable. */
export class Preprocessor {
  /** Design-matrix column names, e.g. `age`, `color=red`, `color=<missing>`. */
  readonly featureNames: readonly string[];
  /** Number of design-matrix columns. */
  readonly nFeatures: number;
  /** `offsets[k]` is the first design-matrix column of input feature k; `offsets[features.length] = nFeatures`. */
  readonly offsets: Int32Array;

  private constructor(readonly features: readonly FeatureParams[]) {
    const names: string[] = [];
    const offsets = new Int32Array(features.length + 1);
    features.forEach((f, k) => {
      offsets[k] = names.length;
      if (f.type === 'numeric') {
        names.push(f.name);
      } else {
        for (const c of f.categories) names.push(`${f.name}=${c}`);
        if (f.missing === 'indicator') names.push(`${f.name}=${MISSING_FEATURE_LABEL}`);
      }
    });
    offsets[features.length] = names.length;
    this.featureNames = names;
    this.nFeatures = names.length;
    this.offsets = offsets;
  }

  /**
   * Fits every feature of `specs` on the training table. Statistics are unweighted (sample
   * weights change the model's loss, not the encoding).
   */
  static fit(table: Table, specs: readonly FeatureSpec[], options: PreprocessorOptions = {}): Preprocessor {
    const {
      impute = 'mean',
      standardize = true,
      categoricalMissing = 'indicator',
      minCategoryCount = 1,
      maxCategories = Number.POSITIVE_INFINITY,
    } = options;
    if (specs.length === 0) throw new Error('Preprocessor.fit: no features');
    const features = specs.map((spec): FeatureParams => {
      if (spec.type === 'numeric') {
        return fitNumericFeature(spec.name, getNumericColumn(table, spec.name).values, impute, standardize);
      }
      return fitCategoricalFeature(getCategoricalColumn(table, spec.name), {
        missing: categoricalMissing,
        minCount: minCategoryCount,
        maxCategories,
      });
    });
    return new Preprocessor(features);
  }

  /** Rebuilds a preprocessor from {@link Preprocessor.toJSON} output. */
  static fromJSON(json: PreprocessorJSON): Preprocessor {
    if (json.version !== 1) throw new Error(`Preprocessor.fromJSON: unsupported version ${String(json.version)}`);
    return new Preprocessor(json.features);
  }

  /** Plain parameters for `JSON.stringify`. */
  toJSON(): PreprocessorJSON {
    return { version: 1, features: this.features };
  }

  /** Input features as a schema fragment (name and type, in order). */
  get inputs(): FeatureSpec[] {
    return this.features.map((f) => ({ name: f.name, type: f.type }));
  }

  /**
   * Encodes `table` into a new row-major `Float64Array` of `table.nRows × nFeatures`.
   * Column types must match those seen in training; categorical dictionaries may differ
   * (values are matched by string, unseen ones encode as zeros).
   */
  transform(table: Table): Float64Array {
    const n = table.nRows;
    const p = this.nFeatures;
    const X = new Float64Array(n * p);
    this.features.forEach((f, k) => {
      const offset = this.offsets[k] as number;
      if (f.type === 'numeric') {
        const values = getNumericColumn(table, f.name).values;
        for (let i = 0; i < n; i++) X[i * p + offset] = encodeNumeric(f, values[i] as number);
        return;
      }
      const column = getCategoricalColumn(table, f.name);
      const { byCode, missing } = categoricalCodeMap(f, column);
      const width = categoricalWidth(f);
      for (let i = 0; i < n; i++) {
        const code = column.codes[i] as number;
        const pos = code === MISSING_CODE ? missing : (byCode[code] as number);
        if (pos >= 0 && pos < width) X[i * p + offset + pos] = 1;
      }
    });
    return X;
  }
}
