/**
 * Request-time ensemble combiners over class-probability matrices. Each member's
 * probabilities are a row-major `[rows, classes]` array; every combiner returns a new matrix of
 * the same shape whose rows sum to 1. Labels are class indices (the argmax of a row).
 */

/** Probabilities are clipped to [EPS, 1 − EPS] before taking logarithms. */
export const LOG_EPS = 1e-7;

/** Shape of the matrices an ensemble combines. */
export interface ProbaShape {
  readonly rows: number;
  readonly classes: number;
}

function check(members: readonly Float32Array[], { rows, classes }: ProbaShape): void {
  if (members.length === 0) throw new RangeError('an ensemble needs at least one member');
  for (const m of members) {
    if (m.length !== rows * classes) throw new RangeError(`member probabilities have ${m.length} elements, expected ${rows}×${classes}`);
  }
}

/** Bagging: the mean of the members' probabilities, p̄_rk = (1/M) Σ_i p_irk. */
export function bagging(members: readonly Float32Array[], shape: ProbaShape): Float32Array {
  check(members, shape);
  const out = new Float32Array(shape.rows * shape.classes);
  const inv = 1 / members.length;
  for (const m of members) for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) + (m[j] as number) * inv;
  return out;
}

/** Index of the largest value in row `r` (the first one on ties). */
export function argmaxRow(p: Float32Array, r: number, classes: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let k = 0; k < classes; k++) {
    const v = p[r * classes + k] as number;
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  return best;
}

/** Row-wise argmax of a probability matrix: the label of each row as a class index. */
export function labelsOf(p: Float32Array, { rows, classes }: ProbaShape): BigInt64Array {
  const out = new BigInt64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = BigInt(argmaxRow(p, r, classes));
  return out;
}

/**
 * Majority vote: each member votes for the argmax class of its row; the result's
 * probabilities are the vote shares and its label the class with most votes. A tie goes to the
 * tied class with the highest mean probability, then to the lowest class index.
 */
export function vote(members: readonly Float32Array[], shape: ProbaShape): { probabilities: Float32Array; labels: BigInt64Array } {
  check(members, shape);
  const { rows, classes } = shape;
  const shares = new Float32Array(rows * classes);
  const mean = bagging(members, shape);
  const labels = new BigInt64Array(rows);
  const inv = 1 / members.length;
  for (let r = 0; r < rows; r++) {
    for (const m of members) {
      const j = r * classes + argmaxRow(m, r, classes);
      shares[j] = (shares[j] as number) + inv;
    }
    let best = 0;
    for (let k = 1; k < classes; k++) {
      const s = shares[r * classes + k] as number;
      const b = shares[r * classes + best] as number;
      // Shares are multiples of 1/M: compare with a tolerance smaller than one vote.
      if (s > b + inv / 2 || (Math.abs(s - b) < inv / 2 && (mean[r * classes + k] as number) > (mean[r * classes + best] as number))) best = k;
    }
    labels[r] = BigInt(best);
  }
  return { probabilities: shares, labels };
}

/**
 * Boosting by log-linear pooling: p_rk ∝ exp(Σ_i w_i · ln p_irk). For two classes this is
 * exactly σ(Σ_i w_i · logit(p_ir1)), the additive log-odds model of boosting (Friedman, Hastie
 * & Tibshirani, "Additive logistic regression", 2000); for more classes, the softmax of the
 * weighted log-probabilities.
 */
export function boosting(members: readonly Float32Array[], weights: readonly number[], shape: ProbaShape): Float32Array {
  check(members, shape);
  if (weights.length !== members.length) throw new RangeError(`boosting has ${members.length} members but ${weights.length} stage weights`);
  const { rows, classes } = shape;
  const out = new Float32Array(rows * classes);
  const z = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    z.fill(0);
    for (let i = 0; i < members.length; i++) {
      const m = members[i] as Float32Array;
      const w = weights[i] as number;
      for (let k = 0; k < classes; k++) {
        const p = Math.min(1 - LOG_EPS, Math.max(LOG_EPS, m[r * classes + k] as number));
        z[k] = (z[k] as number) + w * Math.log(p);
      }
    }
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, z[k] as number);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp((z[k] as number) - max);
    for (let k = 0; k < classes; k++) out[r * classes + k] = Math.exp((z[k] as number) - max) / sum;
  }
  return out;
}

/** One input column of a stacking meta-model. */
export interface MetaColumn {
  readonly name: string;
  readonly values: Float32Array;
}

/**
 * The inputs of a stacking meta-model: for two-class members one FP32 `[rows,1]` column
 * `member_<i>` holding P(class 1) of member i (in policy order); otherwise one column
 * `member_<i>_<k>` per class k. Any trainer in libs/ml can fit such a model on a table of
 * member outputs.
 */
export function stackingColumns(members: readonly Float32Array[], shape: ProbaShape): MetaColumn[] {
  check(members, shape);
  const { rows, classes } = shape;
  const cols: MetaColumn[] = [];
  members.forEach((m, i) => {
    const ks = classes === 2 ? [1] : Array.from({ length: classes }, (_, k) => k);
    for (const k of ks) {
      const values = new Float32Array(rows);
      for (let r = 0; r < rows; r++) values[r] = m[r * classes + k] as number;
      cols.push({ name: classes === 2 ? `member_${i}` : `member_${i}_${k}`, values });
    }
  });
  return cols;
}
