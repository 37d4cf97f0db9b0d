/**
 * The preprocessing subgraph: raw named columns → FP32 design matrix `[N, nFeatures]`, with the
 * same column layout as `Preprocessor.transform`.
 *
 * - numeric column `c` (FP32 `[N,1]`): `Where(IsNaN(c), fill, c)`, then `(· − center) / scale`
 *   (skipped when center = 0 and scale = 1, so unstandardised features stay bit-exact inputs);
 * - categorical column `c` (STRING `[N,1]`): ai.onnx.ml `LabelEncoder` maps each training
 *   category to its one-hot position, missing tokens to the indicator position (or −1 when
 *   ignored) and anything else to −1; `Equal` against `[0, 1, …, width−1]` then `Cast` to FP32
 *   gives the one-hot block, all zeros for unseen categories.
 */
import type { Preprocessor } from '../preprocess/preprocessor.js';
import { categoricalWidth } from '../preprocess/categorical-feature.js';
import { DataType } from './onnx-proto.js';
import { ONNX_ML_DOMAIN, type OnnxGraphBuilder, attr, tensor } from './graph-builder.js';

/** Strings a serving client sends for a missing categorical value (as `parseCsv` reads them). */
export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', '?'];

/** Options for {@link emitPreprocessor}. */
export interface EmitPreprocessorOptions {
  /** Categorical input strings treated as missing. Default {@link DEFAULT_MISSING_TOKENS}. */
  readonly missingTokens?: readonly string[];
  /**
   * Reuse graph inputs already declared under a column's name (same element type) instead of
   * failing: for graphs holding several preprocessors over shared raw columns. Default false.
   */
  readonly shareInputs?: boolean;
}

/** The design-matrix tensor produced by {@link emitPreprocessor}. */
export interface EmittedFeatures {
  /** Name of the FP32 `[N, nFeatures]` tensor. */
  readonly name: string;
  readonly nFeatures: number;
}

/**
 * Declares one graph input per raw feature column (named after it) and emits the nodes that
 * encode them; returns the FP32 design-matrix tensor.
 */
export function emitPreprocessor(
  g: OnnxGraphBuilder,
  preprocessor: Preprocessor,
  options: EmitPreprocessorOptions = {},
): EmittedFeatures {
  const missingTokens = options.missingTokens ?? DEFAULT_MISSING_TOKENS;
  const declare = options.shareInputs === true ? g.useInput.bind(g) : g.addInput.bind(g);
  const blocks: string[] = [];
  for (const f of preprocessor.features) {
    if (f.type === 'numeric') {
      const x = declare(f.name, DataType.FLOAT, ['N', 1], 'numeric; NaN = missing');
      let v = g.op('Where', [g.op('IsNaN', [x]), g.constant(`${f.name}_fill`, tensor.float32([f.fill], [1])), x]);
      if (f.center !== 0) v = g.op('Sub', [v, g.constant(`${f.name}_center`, tensor.float32([f.center], [1]))]);
      if (f.scale !== 1) v = g.op('Div', [v, g.constant(`${f.name}_scale`, tensor.float32([f.scale], [1]))]);
      blocks.push(v);
      continue;
    }
    const x = declare(f.name, DataType.STRING, ['N', 1], `categorical; missing = ${JSON.stringify(missingTokens)}`);
    const width = categoricalWidth(f);
    if (width === 0) continue; // no training category and missing ignored: contributes no column
    const keys: string[] = [...f.categories];
    const values: number[] = f.categories.map((_, i) => i);
    if (f.missing === 'indicator') {
      for (const token of missingTokens) {
        if (f.categories.includes(token)) continue; // a real category wins over a missing token
        keys.push(token);
        values.push(f.categories.length);
      }
    }
    const code = g.op('LabelEncoder', [x], {
      domain: ONNX_ML_DOMAIN,
      attributes: {
        keys_strings: attr.strings(keys),
        values_int64s: attr.ints(values),
        default_int64: attr.int(-1),
      },
    });
    const positions = g.constant(
      `${f.name}_positions`,
      tensor.int64(
        Array.from({ length: width }, (_, i) => i),
        [width],
      ),
    );
    const hot = g.op('Equal', [code, positions]);
    blocks.push(g.op('Cast', [hot], { attributes: { to: attr.int(DataType.FLOAT) } }));
  }
  if (blocks.length === 0) throw new Error('emitPreprocessor: the preprocessor produces no features');
  const name = blocks.length === 1 ? (blocks[0] as string) : g.op('Concat', blocks, { attributes: { axis: attr.int(1) } });
  return { name, nFeatures: preprocessor.nFeatures };
}
