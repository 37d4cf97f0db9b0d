import { type oip, decodeRawTensor, shapeElementCount, typedContentsElements } from '@ratchet/contracts';

/** How far a probability row may sum from 1 before the output counts as invalid. */
export const PROBABILITY_SUM_TOLERANCE = 1e-4;

/** A member answered, but with something no client should get (NaN, wrong shape, bad probabilities). */
export class InvalidOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOutputError';
  }
}

/** What the router learnt from a member's response. */
export interface CheckedOutputs {
  /** Row-major `[rows, classes]`, when the response has a `probabilities` output. */
  readonly probabilities?: Float32Array;
  readonly classes: number;
  /** Decodes another output of the response (e.g. the arm of a Pareto composite). */
  output(name: string): { shape: readonly number[]; data: ArrayLike<number | bigint | string> } | undefined;
}

function decode(res: oip.ModelInferResponse, i: number) {
  const o = res.outputs[i] as oip.ModelInferResponse_InferOutputTensor;
  const count = shapeElementCount(o.shape);
  const raw = res.rawOutputContents[i];
  try {
    const data = raw ? decodeRawTensor(o.datatype, raw, count) : typedContentsElements(o.datatype, o.contents);
    if (data.length !== count) throw new Error(`has ${data.length} elements for shape [${o.shape.join(',')}]`);
    return data;
  } catch (err) {
    throw new InvalidOutputError(`output '${o.name}': ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Checks a member's response for a request of `rows` rows: every output has `rows` as its
 * first dimension and as many elements as its shape says; `probabilities` (if present) is
 * `[rows, K]`, finite, within [0, 1], and each row sums to 1 within
 * {@link PROBABILITY_SUM_TOLERANCE}. Throws {@link InvalidOutputError} saying what is wrong.
 */
export function checkOutputs(res: oip.ModelInferResponse, rows: number): CheckedOutputs {
  if (res.outputs.length === 0) throw new InvalidOutputError('the response has no outputs');
  let probabilities: Float32Array | undefined;
  let classes = 0;
  for (let i = 0; i < res.outputs.length; i++) {
    const o = res.outputs[i] as oip.ModelInferResponse_InferOutputTensor;
    if (rows > 0 && o.shape[0] !== rows) {
      throw new InvalidOutputError(`output '${o.name}' has shape [${o.shape.join(',')}], expected ${rows} rows`);
    }
    if (o.name !== 'probabilities') continue;
    if (o.shape.length !== 2 || !((o.shape[1] ?? 0) >= 1)) {
      throw new InvalidOutputError(`output 'probabilities' has shape [${o.shape.join(',')}], expected [rows, classes]`);
    }
    if (o.datatype !== 'FP32' && o.datatype !== 'FP64') throw new InvalidOutputError(`output 'probabilities' is ${o.datatype}, expected FP32 or FP64`);
    const data = decode(res, i) as Float32Array | Float64Array;
    classes = o.shape[1] as number;
    const n = o.shape[0] as number;
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let k = 0; k < classes; k++) {
        const v = data[r * classes + k] as number;
        if (!(v >= 0 && v <= 1)) throw new InvalidOutputError(`output 'probabilities' row ${r} has ${v} at class ${k}`);
        sum += v;
      }
      if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
        throw new InvalidOutputError(`output 'probabilities' row ${r} sums to ${sum}, not 1`);
      }
    }
    probabilities = data instanceof Float32Array ? data : Float32Array.from(data);
  }
  return {
    ...(probabilities ? { probabilities } : {}),
    classes,
    output(name) {
      const i = res.outputs.findIndex((o) => o.name === name);
      if (i < 0) return undefined;
      return { shape: (res.outputs[i] as oip.ModelInferResponse_InferOutputTensor).shape, data: decode(res, i) };
    },
  };
}

/** Rows of a request: the first dimension of its first input (0 when it has no inputs). */
export function requestRows(req: oip.ModelInferRequest): number {
  return req.inputs[0]?.shape[0] ?? 0;
}
