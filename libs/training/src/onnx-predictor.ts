import { InferenceSession, Tensor } from 'onnxruntime-node';
import { type FeatureSpec, type Table, PROBABILITIES_OUTPUT, toOnnxInputs } from '@ratchet/ml';

/** P(y = 1) from an ONNX classifier session. */
export interface OnnxPredictor {
  predict(table: Table): Promise<Float64Array>;
  release(): Promise<void>;
}

/**
 * Opens an onnxruntime session on a binary classifier whose inputs are raw named columns
 * (numeric FP32 [N,1], categorical string [N,1]: the layout `exportPipeline` produces and
 * Ratchet serves) and reads P(y = 1) from `output` — column 1 of an [N,2] tensor, or the
 * value itself for [N] or [N,1].
 */
export async function onnxPredictor(
  bytes: Uint8Array,
  inputs: readonly FeatureSpec[],
  { output = PROBABILITIES_OUTPUT, missingToken = '' }: { output?: string; missingToken?: string } = {},
): Promise<OnnxPredictor> {
  const session = await InferenceSession.create(bytes);
  if (!session.outputNames.includes(output)) {
    await session.release();
    throw new Error(`onnxPredictor: the model has no output '${output}' (outputs: ${session.outputNames.join(', ')})`);
  }
  return {
    async predict(table: Table): Promise<Float64Array> {
      const feeds: Record<string, Tensor> = {};
      for (const [name, input] of Object.entries(toOnnxInputs(table, inputs, missingToken))) {
        feeds[name] = new Tensor(input.type, input.data, [...input.dims]);
      }
      const result = await session.run(feeds, [output]);
      const tensor = result[output];
      if (tensor === undefined) throw new Error(`onnxPredictor: no '${output}' in the session result`);
      const data = tensor.data as Float32Array | Float64Array;
      const width = data.length / table.nRows;
      if (width !== 1 && width !== 2) throw new Error(`onnxPredictor: '${output}' has ${width} values per row; expected 1 or 2`);
      return Float64Array.from({ length: table.nRows }, (_, i) => data[i * width + width - 1] as number);
    },
    release: () => session.release(),
  };
}
