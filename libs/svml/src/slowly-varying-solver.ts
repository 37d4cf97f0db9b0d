/**
 * A closed convex set { x : g(x) ≤ 0 } with g convex and differentiable, given by
 * its exact Euclidean projection. For SVML, g_b(β) = L_b(β) − (1 + α)·L*_b.
 */
export interface ConvexConstraint {
  /** g(x); ≤ 0 inside the set. */
  value(x: Float64Array): number;
  /** ∇g(x). */
  gradient(x: Float64Array): Float64Array;
  /** argmin_{g(x) ≤ 0} ||x − z||² and its multiplier; `warmStart` is the previous multiplier. */
  project(z: Float64Array, warmStart: number): { readonly point: Float64Array; readonly multiplier: number };
  /** Positive scale of g used for relative feasibility tolerances ((1 + α)·L*_b for SVML). */
  readonly scale: number;
}

/** KKT certificate of a solution of Problem (1). */
export interface KktReport {
  /** Estimated multiplier μ_b ≥ 0 of each batch's loss constraint. */
  readonly multipliers: Float64Array;
  /** max_b ||∇_b f + μ_b ∇g_b||∞. */
  readonly stationarity: number;
  /** max_b max(0, g_b(β_b)) / scale_b, i.e. max_b max(0, L_b(β_b) / ((1+α) L*_b) − 1). */
  readonly infeasibility: number;
  /** max_b |μ_b · g_b(β_b)|. */
  readonly complementarity: number;
}

/** Options for {@link solveSlowlyVaryingSequence}. */
export interface SlowlyVaryingSolverOptions {
  /** Fixed initial model f0: adds ||β_1 − β0||² to the objective (paper §2.5). */
  readonly initial?: Float64Array;
  /** Stop when the gradient-mapping norm L·||y − P(y − ∇f/L)||∞ falls below this (default 1e-10). */
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

/** Solution of Problem (1) over a product of convex sets. */
export interface SlowlyVaryingSolution {
  readonly betas: Float64Array[];
  /** Σ_b ||β_{b+1} − β_b||² (+ ||β_1 − β0||²). */
  readonly cost: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly kkt: KktReport;
}

/** f(β) = Σ_b ||β_{b+1} − β_b||² (+ ||β_1 − β0||²). */
export function sequenceCost(betas: readonly Float64Array[], initial?: Float64Array): number {
  let cost = 0;
  const add = (a: Float64Array, b: Float64Array): void => {
    for (let k = 0; k < a.length; k++) cost += ((a[k] ?? 0) - (b[k] ?? 0)) ** 2;
  };
  if (initial !== undefined && betas[0] !== undefined) add(betas[0], initial);
  for (let b = 1; b < betas.length; b++) add(betas[b] ?? new Float64Array(0), betas[b - 1] ?? new Float64Array(0));
  return cost;
}

/** ∇f: 2·(path-graph Laplacian ⊗ I)β, plus 2(β_1 − β0) with an initial model. */
function sequenceGradient(betas: readonly Float64Array[], initial: Float64Array | undefined, out: Float64Array[]): void {
  const B = betas.length;
  for (let b = 0; b < B; b++) {
    const g = out[b] ?? new Float64Array(0);
    const x = betas[b] ?? new Float64Array(0);
    g.fill(0);
    const pull = (other: Float64Array): void => {
      for (let k = 0; k < g.length; k++) g[k] = (g[k] ?? 0) + 2 * ((x[k] ?? 0) - (other[k] ?? 0));
    };
    if (b > 0) pull(betas[b - 1] ?? x);
    if (b < B - 1) pull(betas[b + 1] ?? x);
    if (b === 0 && initial !== undefined) pull(initial);
  }
}

/**
 * min Σ_b ||β_{b+1} − β_b||² (+ ||β_1 − β0||²) s.t. β_b ∈ C_b — SVML Problem (1)
 * with the stability distance ||·||² and convex per-batch feasible sets C_b.
 * FISTA (Beck & Teboulle 2009) with O'Donoghue–Candès gradient restarts: ∇f is
 * 2·(path Laplacian ⊗ I)β, whose Lipschitz constant is ≤ 2·4 = 8 (Gershgorin;
 * the f0 anchor keeps it ≤ 8), and the projection onto ∏ C_b splits per batch.
 * `start` must be feasible (e.g. each batch's unconstrained optimum).
 */
export function solveSlowlyVaryingSequence(
  constraints: readonly ConvexConstraint[],
  start: readonly Float64Array[],
  { initial, tolerance = 1e-10, maxIterations = 200_000 }: SlowlyVaryingSolverOptions = {},
): SlowlyVaryingSolution {
  const B = constraints.length;
  if (B === 0 || start.length !== B) throw new RangeError(`solveSlowlyVaryingSequence: need one start point per constraint`);
  const p = start[0]?.length ?? 0;
  const lipschitz = 8;
  const warm = new Float64Array(B);
  const project = (points: Float64Array[]): Float64Array[] =>
    points.map((z, b) => {
      const set = constraints[b] as ConvexConstraint;
      const result = set.project(z, warm[b] ?? 0);
      if (Number.isFinite(result.multiplier)) warm[b] = result.multiplier;
      return result.point;
    });

  let x: Float64Array[] = start.map((beta) => Float64Array.from(beta));
  let y: Float64Array[] = x.map((v) => Float64Array.from(v));
  let t = 1;
  const grad = x.map(() => new Float64Array(p));
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    sequenceGradient(y, initial, grad);
    const step = y.map((v, b) => {
      const g = grad[b] ?? v;
      return Float64Array.from(v, (value, k) => value - (g[k] ?? 0) / lipschitz);
    });
    const next = project(step);
    let mapping = 0;
    let restartTest = 0;
    for (let b = 0; b < B; b++) {
      const yn = y[b];
      const xn = next[b];
      const xo = x[b];
      if (yn === undefined || xn === undefined || xo === undefined) continue;
      for (let k = 0; k < p; k++) {
        const d = (yn[k] ?? 0) - (xn[k] ?? 0);
        mapping = Math.max(mapping, Math.abs(d));
        restartTest += d * ((xn[k] ?? 0) - (xo[k] ?? 0));
      }
    }
    if (lipschitz * mapping <= tolerance) {
      x = next;
      converged = true;
      break;
    }
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    if (restartTest > 0) {
      // Momentum points uphill: restart (O'Donoghue & Candès 2015).
      t = 1;
      y = next.map((v) => Float64Array.from(v));
    } else {
      const momentum = (t - 1) / tNext;
      y = next.map((v, b) => {
        const old = x[b] ?? v;
        return Float64Array.from(v, (value, k) => value + momentum * (value - (old[k] ?? 0)));
      });
      t = tNext;
    }
    x = next;
  }
  return { betas: x, cost: sequenceCost(x, initial), iterations, converged, kkt: kktReport(x, constraints, initial) };
}

/**
 * KKT check for Problem (1): for each batch, ∇_b f + μ_b ∇g_b = 0 with μ_b ≥ 0,
 * g_b ≤ 0 and μ_b g_b = 0. μ_b is the least-squares multiplier on active
 * constraints (|g_b| ≤ 1e-7·scale), 0 on inactive ones.
 */
export function kktReport(
  betas: readonly Float64Array[],
  constraints: readonly ConvexConstraint[],
  initial?: Float64Array,
): KktReport {
  const p = betas[0]?.length ?? 0;
  const grad = betas.map(() => new Float64Array(p));
  sequenceGradient(betas, initial, grad);
  const multipliers = new Float64Array(betas.length);
  let stationarity = 0;
  let complementarity = 0;
  let infeasibility = 0;
  betas.forEach((beta, b) => {
    const set = constraints[b] as ConvexConstraint;
    const g = grad[b] ?? beta;
    const slack = set.value(beta);
    let mu = 0;
    const normal = set.gradient(beta);
    if (slack >= -1e-7 * set.scale) {
      let gn = 0;
      let nn = 0;
      for (let a = 0; a < p; a++) {
        gn += (g[a] ?? 0) * (normal[a] ?? 0);
        nn += (normal[a] ?? 0) ** 2;
      }
      mu = nn > 0 ? Math.max(0, -gn / nn) : 0;
    }
    multipliers[b] = mu;
    for (let a = 0; a < p; a++) stationarity = Math.max(stationarity, Math.abs((g[a] ?? 0) + mu * (normal[a] ?? 0)));
    complementarity = Math.max(complementarity, Math.abs(mu * slack));
    infeasibility = Math.max(infeasibility, slack / set.scale);
  });
  return { multipliers, stationarity, infeasibility: Math.max(0, infeasibility), complementarity };
}
