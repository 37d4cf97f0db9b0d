import { correctness, type LabelArray } from './correctness.js';
import { fitStandardizer, standardize } from './standardizer.js';
import {
  calibrateThreshold,
  gatedReport,
  routeByThreshold,
  type CalibratedGate,
  type CalibrationOptions,
} from './threshold-calibration.js';

/**
 * kNN routing gate. For a query x, take its k nearest reference examples in
 * standardised feature space (Euclidean; ties in distance broken by lower index)
 * and score s(x) = (#B right − #A right) / k ∈ [−1, 1]. Route to B iff
 * `active` and s(x) > margin; with margin 0, ties go to A.
 * All state is in typed arrays so the gate can be serialised and later compiled
 * into a composite (A, B, gate) ONNX graph.
 */
export interface KnnGate {
  readonly kind: 'knn';
  readonly k: number;
  readonly margin: number;
  /** False when calibration found no feasible margin: the gate routes nothing. */
  readonly active: boolean;
  readonly dim: number;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  /** Standardised reference points, row-major n×dim. */
  readonly points: Float64Array;
  /** 1[A right] per reference point. */
  readonly rightA: Uint8Array;
  /** 1[B right] per reference point. */
  readonly rightB: Uint8Array;
}

/** Reference data for {@link fitKnnGate} (a validation split, disjoint from calibration). */
export interface KnnGateData {
  /** Raw design features, row-major n×dim. */
  readonly features: Float64Array;
  readonly dim: number;
  readonly y: LabelArray;
  readonly predA: LabelArray;
  readonly predB: LabelArray;
}

/** Options for {@link fitKnnGate}. */
export interface KnnGateOptions {
  readonly k?: number;
  readonly margin?: number;
}

/** Builds a kNN gate from reference examples; standardisation is fitted on them. */
export function fitKnnGate(data: KnnGateData, { k = 15, margin = 0 }: KnnGateOptions = {}): KnnGate {
  const { features, dim } = data;
  const standardizer = fitStandardizer(features, dim);
  const n = features.length / dim;
  if (data.y.length !== n) throw new RangeError(`fitKnnGate: ${n} feature rows but ${data.y.length} labels`);
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`fitKnnGate: k must be an integer in [1, ${n}], got ${k}`);
  }
  return {
    kind: 'knn',
    k,
    margin,
    active: true,
    dim,
    mean: standardizer.mean,
    scale: standardizer.scale,
    points: standardize(features, standardizer),
    rightA: correctness(data.y, data.predA),
    rightB: correctness(data.y, data.predB),
  };
}

/**
 * s(x) = (#B right − #A right)/k over the k nearest reference points of each
 * query row. Brute force O(n·dim) per query with a bounded max-heap for the
 * partial selection (O(n log k)), no per-row allocation.
 */
export function knnGateScores(gate: KnnGate, features: Float64Array): Float64Array {
  const { dim, k, points, mean, scale, rightA, rightB } = gate;
  if (features.length % dim !== 0) {
    throw new RangeError(`knnGateScores: ${features.length} values is not a multiple of dim=${dim}`);
  }
  const queries = features.length / dim;
  const nRef = points.length / dim;
  const out = new Float64Array(queries);
  const query = new Float64Array(dim);
  const heapDist = new Float64Array(k);
  const heapIdx = new Int32Array(k);
  // Max-heap on (distance, index): the root is the current k-th nearest.
  const greater = (da: number, ia: number, db: number, ib: number): boolean => da > db || (da === db && ia > ib);
  const siftDown = (size: number): void => {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < size && greater(heapDist[l] ?? 0, heapIdx[l] ?? 0, heapDist[top] ?? 0, heapIdx[top] ?? 0)) top = l;
      if (r < size && greater(heapDist[r] ?? 0, heapIdx[r] ?? 0, heapDist[top] ?? 0, heapIdx[top] ?? 0)) top = r;
      if (top === i) return;
      const d = heapDist[i] ?? 0;
      const x = heapIdx[i] ?? 0;
      heapDist[i] = heapDist[top] ?? 0;
      heapIdx[i] = heapIdx[top] ?? 0;
      heapDist[top] = d;
      heapIdx[top] = x;
      i = top;
    }
  };
  const siftUp = (start: number): void => {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!greater(heapDist[i] ?? 0, heapIdx[i] ?? 0, heapDist[parent] ?? 0, heapIdx[parent] ?? 0)) return;
      const d = heapDist[i] ?? 0;
      const x = heapIdx[i] ?? 0;
      heapDist[i] = heapDist[parent] ?? 0;
      heapIdx[i] = heapIdx[parent] ?? 0;
      heapDist[parent] = d;
      heapIdx[parent] = x;
      i = parent;
    }
  };
  for (let q = 0; q < queries; q++) {
    for (let j = 0; j < dim; j++) query[j] = ((features[q * dim + j] ?? 0) - (mean[j] ?? 0)) / (scale[j] ?? 1);
    let size = 0;
    for (let r = 0; r < nRef; r++) {
      let dist = 0;
      const base = r * dim;
      for (let j = 0; j < dim; j++) {
        const diff = (points[base + j] ?? 0) - (query[j] ?? 0);
        dist += diff * diff;
      }
      if (size < k) {
        heapDist[size] = dist;
        heapIdx[size] = r;
        siftUp(size);
        size++;
      } else if (dist < (heapDist[0] ?? 0)) {
        heapDist[0] = dist;
        heapIdx[0] = r;
        siftDown(size);
      }
    }
    let votes = 0;
    for (let h = 0; h < size; h++) {
      const r = heapIdx[h] ?? 0;
      votes += (rightB[r] ?? 0) - (rightA[r] ?? 0);
    }
    out[q] = votes / k;
  }
  return out;
}

/** Routing decision 1[active ∧ s(x) > margin] per query row. */
export function knnGateRoute(gate: KnnGate, features: Float64Array): Uint8Array {
  return routeByThreshold(knnGateScores(gate, features), gate.margin, gate.active);
}

/**
 * Calibrates the kNN margin on a calibration split disjoint from the reference
 * points (see `calibrateThreshold`): the margin maximising gains subject to the
 * Clopper–Pearson regression budget; if none is feasible the gate is deactivated.
 */
export function calibrateKnnGate(
  gate: KnnGate,
  calibration: Omit<KnnGateData, 'dim'>,
  options: CalibrationOptions = {},
): CalibratedGate<KnnGate> {
  const scores = knnGateScores(gate, calibration.features);
  const correctA = correctness(calibration.y, calibration.predA);
  const correctB = correctness(calibration.y, calibration.predB);
  const result = calibrateThreshold(scores, correctA, correctB, options);
  const calibrated: KnnGate =
    result.threshold === null ? { ...gate, active: false } : { ...gate, active: true, margin: result.threshold };
  const route = routeByThreshold(scores, calibrated.margin, calibrated.active);
  return { gate: calibrated, calibration: result, report: gatedReport(correctA, correctB, route, options) };
}

/** JSON form of a {@link KnnGate} (typed arrays as number arrays). */
export interface KnnGateJson {
  readonly kind: 'knn';
  readonly k: number;
  readonly margin: number;
  readonly active: boolean;
  readonly dim: number;
  readonly mean: number[];
  readonly scale: number[];
  readonly points: number[];
  readonly rightA: number[];
  readonly rightB: number[];
}

/** Serialises a kNN gate to plain JSON-compatible data. */
export function knnGateToJson(gate: KnnGate): KnnGateJson {
  return {
    kind: 'knn',
    k: gate.k,
    margin: gate.margin,
    active: gate.active,
    dim: gate.dim,
    mean: Array.from(gate.mean),
    scale: Array.from(gate.scale),
    points: Array.from(gate.points),
    rightA: Array.from(gate.rightA),
    rightB: Array.from(gate.rightB),
  };
}

/** Restores a kNN gate from {@link knnGateToJson} output, validating shapes. */
export function knnGateFromJson(json: KnnGateJson): KnnGate {
  const n = json.rightA.length;
  if (json.kind !== 'knn' || json.points.length !== n * json.dim || json.rightB.length !== n) {
    throw new RangeError('knnGateFromJson: inconsistent kNN gate shapes');
  }
  if (json.mean.length !== json.dim || json.scale.length !== json.dim || json.k < 1 || json.k > n) {
    throw new RangeError('knnGateFromJson: inconsistent standardiser or k');
  }
  return {
    kind: 'knn',
    k: json.k,
    margin: json.margin,
    active: json.active,
    dim: json.dim,
    mean: Float64Array.from(json.mean),
    scale: Float64Array.from(json.scale),
    points: Float64Array.from(json.points),
    rightA: Uint8Array.from(json.rightA),
    rightB: Uint8Array.from(json.rightB),
  };
}
