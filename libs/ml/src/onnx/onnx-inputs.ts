/**
 * Table → the raw-column inputs of an exported graph, as plain typed data (no onnxruntime
 * dependency: wrap each entry in `new ort.Tensor(type, data, dims)` at the call site).
 */
import type { FeatureSpec } from '../data/schema.js';
import { type Table, categoryAt, getCategoricalColumn, getNumericColumn } from '../data/table.js';

/** One graph input's data. */
export type OnnxInputData =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly [number, 1] }
  | { readonly type: 'string'; readonly data: string[]; readonly dims: readonly [number, 1] };

/**
 * Inputs for each feature of `inputs` (see `Preprocessor.inputs`): numeric columns as FP32
 * `[N,1]` (missing = NaN), categorical as strings `[N,1]` (missing = `missingToken`).
 */
export function toOnnxInputs(table: Table, inputs: readonly FeatureSpec[], missingToken = ''): Record<string, OnnxInputData> {
  const n = table.nRows;
  const out: Record<string, OnnxInputData> = {};
  for (const spec of inputs) {
    if (spec.type === 'numeric') {
      out[spec.name] = { type: 'float32', data: Float32Array.from(getNumericColumn(table, spec.name).values), dims: [n, 1] };
    } else {
      const column = getCategoricalColumn(table, spec.name);
      const data = new Array<string>(n);
      for (let i = 0; i < n; i++) data[i] = categoryAt(column, i) ?? missingToken;
      out[spec.name] = { type: 'string', data, dims: [n, 1] };
    }
  }
  return out;
}
