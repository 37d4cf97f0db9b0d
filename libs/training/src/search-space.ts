import { type JsonValue, type ModelParams, Rng } from '@ratchet/ml';

/** How one hyper-parameter is drawn. */
export type ParamDistribution =
  | { readonly kind: 'choice'; readonly values: readonly JsonValue[] }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'log-uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'int'; readonly low: number; readonly high: number };

/** A declared search space: param name → distribution (plus fixed params). */
export interface SearchSpace {
  readonly sample: Readonly<Record<string, ParamDistribution>>;
  /** Params every candidate gets as they are. */
  readonly fixed?: ModelParams;
}

/**
 * Default spaces of the candidate pools, sized so 25 candidates × 10 batches train in minutes
 * on two cores (trees stay shallow: the exact path matching is cubic in the leaf count).
 */
export const defaultSearchSpaces: Readonly<Record<string, SearchSpace>> = {
  'logistic-regression': { sample: { l2: { kind: 'log-uniform', low: 1e-2, high: 10 } } },
  cart: {
    sample: {
      maxDepth: { kind: 'int', low: 2, high: 5 },
      minSamplesLeaf: { kind: 'choice', values: [1, 5, 20, 50] },
    },
  },
  gbdt: {
    sample: {
      nRounds: { kind: 'int', low: 20, high: 60 },
      learningRate: { kind: 'log-uniform', low: 0.05, high: 0.3 },
      maxDepth: { kind: 'int', low: 2, high: 4 },
      lambda: { kind: 'log-uniform', low: 0.1, high: 10 },
    },
    fixed: { maxBins: 64 },
  },
  mlp: {
    sample: {
      learningRate: { kind: 'log-uniform', low: 1e-3, high: 1e-2 },
      l2: { kind: 'log-uniform', low: 1e-5, high: 1e-2 },
    },
    fixed: { hiddenLayers: [16], maxEpochs: 30 },
  },
};

/** Draws one parameter set from `space` (keys in sorted order, so the draw is deterministic in `rng`). */
export function sampleParams(space: SearchSpace, rng: Rng): ModelParams {
  const out: Record<string, JsonValue> = { ...(space.fixed ?? {}) };
  for (const key of Object.keys(space.sample).sort()) {
    const d = space.sample[key] as ParamDistribution;
    if (d.kind === 'choice') {
      if (d.values.length === 0) throw new RangeError(`search space: '${key}' has no choices`);
      out[key] = d.values[rng.int(d.values.length)] as JsonValue;
      continue;
    }
    if (!(d.high >= d.low)) throw new RangeError(`search space: '${key}' has high ${d.high} < low ${d.low}`);
    if (d.kind === 'uniform') out[key] = rng.uniform(d.low, d.high);
    else if (d.kind === 'int') out[key] = d.low + rng.int(d.high - d.low + 1);
    else {
      if (!(d.low > 0)) throw new RangeError(`search space: log-uniform '${key}' needs low > 0, got ${d.low}`);
      out[key] = Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high)));
    }
  }
  return out;
}
