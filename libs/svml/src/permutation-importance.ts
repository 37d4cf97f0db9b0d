import {
  type Table,
  type Column,
  Rng,
  createTable,
  deriveSeed,
  logLoss,
  rocAuc,
} from '@ratchet/ml';

/** Metric whose drop measures a feature's importance. */
export type PermutationMetric = 'auc' | 'log-loss';

/** Options for {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** Evaluation rows (raw columns, as the model takes them). */
  readonly table: Table;
  /** 0/1 labels of `table`'s rows. */
  readonly labels: ArrayLike<number>;
  /** Input columns to permute, in the order of the result. */
  readonly features: readonly string[];
  /** P(y = 1) per row of a table: any model, e.g. an onnxruntime session on an exported graph. */
  readonly predict: (table: Table) => Promise<Float64Array> | Float64Array;
  /** Default `'auc'`. */
  readonly metric?: PermutationMetric;
  /** Permutations per feature, averaged. Default 1. */
  readonly repeats?: number;
  /** Seed of the permutations. Default 0. */
  readonly seed?: number;
}

/** Result of {@link permutationImportance}. */
export interface PermutationImportance {
  /** Metric on the unpermuted rows. */
  readonly baseline: number;
  /** Per feature: mean metric drop (AUC decrease, or log-loss increase), clipped at 0. */
  readonly importances: Float64Array;
}

/**
 * Permutation importance (Breiman 2001; Fisher, Rudin & Dominici 2019): for each input column,
 * shuffle it across rows, re-score, and record how much the metric worsens:
 *   ι_k = mean_r [ M(y, f(X)) − M(y, f(X with column k permuted by π_{k,r})) ]   (AUC),
 * with the sign flipped for log loss. Only `predict` touches the model, so any model takes
 * part — in Ratchet an onnxruntime session, so externally trained ONNX models can be compared
 * with ours. Permutation π_{k,r} depends only on (seed, column name, r): every model is scored
 * under the same permutations (common random numbers), which keeps the noise out of the
 * distance between two models' importance vectors. Negative drops (noise) are clipped to 0.
 */
export async function permutationImportance(options: PermutationImportanceOptions): Promise<PermutationImportance> {
  const { table, labels, features, predict, metric = 'auc', repeats = 1, seed = 0 } = options;
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`permutationImportance: repeats must be ≥ 1, got ${repeats}`);
  if (labels.length !== table.nRows) throw new RangeError(`permutationImportance: ${labels.length} labels for ${table.nRows} rows`);
  const score = (p: Float64Array): number => (metric === 'auc' ? rocAuc(labels, p) : -logLoss(labels, p));
  const baseline = score(await predict(table));
  const importances = new Float64Array(features.length);
  for (let k = 0; k < features.length; k++) {
    const name = features[k] as string;
    const at = table.columns.findIndex((c) => c.name === name);
    if (at < 0) throw new Error(`permutationImportance: no column '${name}' in the evaluation table`);
    let drop = 0;
    for (let r = 0; r < repeats; r++) {
      const perm = new Rng(deriveSeed(seed, `${name}#${r}`)).permutation(table.nRows);
      const columns = table.columns.map((c, i) => (i === at ? permuteColumn(c, perm) : c));
      drop += baseline - score(await predict(createTable(columns)));
    }
    importances[k] = Math.max(0, drop / repeats);
  }
  return { baseline: metric === 'auc' ? baseline : -baseline, importances };
}

function permuteColumn(column: Column, perm: Int32Array): Column {
  if (column.type === 'numeric') return { ...column, values: Float64Array.from(perm, (i) => column.values[i] as number) };
  return { ...column, codes: Int32Array.from(perm, (i) => column.codes[i] as number) };
}
