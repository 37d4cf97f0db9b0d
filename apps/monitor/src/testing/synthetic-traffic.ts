import { type LabelObserved, type PredictionLogged, rawEventTensor } from '@ratchet/contracts';
import { Rng, categoryAt, getColumn, makeSyntheticBinary } from '@ratchet/ml';

/** Options of {@link syntheticTraffic}. */
export interface SyntheticTrafficOptions {
  readonly requests: number;
  readonly seed: number;
  readonly rowsPerRequest?: number;
  readonly model?: string;
  readonly version?: string;
  /** Covariate shift of x3 in standard deviations (data drift). */
  readonly shift?: number;
  /** Share of rows whose predicted label is flipped (a degraded model). */
  readonly flipRate?: number;
  readonly requestIdPrefix?: string;
  readonly startMs?: number;
  /** Route arm: when set, records carry a route (as the router's route record). */
  readonly arm?: string;
}

/**
 * Prediction records and their labels for the synthetic problem of `@ratchet/ml`
 * (`makeSyntheticBinary`), without a model server: the "model" answers with the true
 * probability, so its accuracy is the Bayes rate (≈ 0.8), and `flipRate` degrades it.
 * Inputs are raw FP32 [N,1] (x1..x3) and BYTES [N,1] (color, region) tensors, as the
 * prediction service logs them. For tests and benchmarks.
 */
export function syntheticTraffic(o: SyntheticTrafficOptions): { predictions: PredictionLogged[]; labels: LabelObserved[] } {
  const per = o.rowsPerRequest ?? 1;
  const n = o.requests * per;
  const { table, trueLogit } = makeSyntheticBinary({ nRows: n, seed: o.seed, missingRate: 0, shift: o.shift ?? 0 });
  const rng = new Rng(o.seed + 1);
  const x = ['x1', 'x2', 'x3'].map((name) => {
    const col = getColumn(table, name);
    return { name, values: col.type === 'numeric' ? Float32Array.from(col.values) : new Float32Array(n) };
  });
  const cats = ['color', 'region'].map((name) => {
    const col = getColumn(table, name);
    return { name, values: Array.from({ length: n }, (_, i) => (col.type === 'categorical' ? (categoryAt(col, i) ?? '') : '')) };
  });
  const y = getColumn(table, 'y');
  const predictions: PredictionLogged[] = [];
  const labels: LabelObserved[] = [];
  const start = o.startMs ?? 1_700_000_000_000;
  for (let r = 0; r < o.requests; r++) {
    const lo = r * per;
    const requestId = `${o.requestIdPrefix ?? 'req'}-${r}`;
    const proba = new Float32Array(per * 2);
    const label = new BigInt64Array(per);
    const truth: number[] = [];
    for (let i = 0; i < per; i++) {
      const p = 1 / (1 + Math.exp(-(trueLogit[lo + i] as number)));
      let predicted = p > 0.5 ? 1 : 0;
      if (o.flipRate && rng.next() < o.flipRate) predicted = 1 - predicted;
      proba[i * 2] = 1 - p;
      proba[i * 2 + 1] = p;
      label[i] = BigInt(predicted);
      truth.push(y.type === 'categorical' && categoryAt(y, lo + i) === 'yes' ? 1 : 0);
    }
    predictions.push({
      requestId,
      model: o.model ?? 'demo',
      version: o.version ?? '1.0.0',
      rows: per,
      inputs: [
        ...x.map((c) => rawEventTensor(c.name, 'FP32', [per, 1], c.values.slice(lo, lo + per))),
        ...cats.map((c) => rawEventTensor(c.name, 'BYTES', [per, 1], c.values.slice(lo, lo + per))),
      ],
      outputs: [rawEventTensor('label', 'INT64', [per], label), rawEventTensor('probabilities', 'FP32', [per, 2], proba)],
      latencyMs: 1 + (r % 7) * 0.25,
      timestampMs: start + r,
      traceId: '',
      route: o.arm === undefined ? undefined : { policy: 'split', arm: o.arm, members: [], fallbackReason: '', rowArms: [], routerId: '' },
      serverId: 'synthetic',
    });
    labels.push({ requestId, model: o.model ?? 'demo', rowOffset: 0, labels: truth, timestampMs: start + r + 1000, source: 'synthetic' });
  }
  return { predictions, labels };
}
