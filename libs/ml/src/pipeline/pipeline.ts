/**
 * A deployable model: the schema it expects, the fitted preprocessor and the trained model.
 * `pipeline.predictProba(table)` goes from raw columns to P(y = 1) — the same function the
 * exported ONNX graph computes.
 */
import type { Schema } from '../data/schema.js';
import type { Table } from '../data/table.js';
import type { BinaryClassifier, ModelDecoder, SerializedModel, TrainedModel } from '../models/types.js';
import { type PreprocessorJSON, Preprocessor } from '../preprocess/preprocessor.js';
import { modelDecoders } from './model-decoders.js';

/** Serialised pipeline. */
export interface PipelineJSON {
  readonly version: 1;
  readonly schema: Schema;
  readonly preprocessor: PreprocessorJSON;
  readonly model: SerializedModel;
}

/** Preprocessor + model, bound to a schema. Immutable. */
export class Pipeline<M extends TrainedModel = TrainedModel> {
  constructor(
    readonly schema: Schema,
    readonly preprocessor: Preprocessor,
    readonly model: M,
  ) {
    if (model.nFeatures !== preprocessor.nFeatures) {
      throw new Error(
        `Pipeline: model '${model.kind}' expects ${model.nFeatures} features, preprocessor produces ${preprocessor.nFeatures}`,
      );
    }
  }

  /** Rebuilds a pipeline; `decoders` defaults to every built-in model kind. */
  static fromJSON(json: PipelineJSON, decoders: Readonly<Record<string, ModelDecoder>> = modelDecoders): Pipeline {
    if (json.version !== 1) throw new Error(`Pipeline.fromJSON: unsupported version ${String(json.version)}`);
    const decode = decoders[json.model.kind];
    if (decode === undefined) throw new Error(`Pipeline.fromJSON: no decoder for model kind '${json.model.kind}'`);
    return new Pipeline(json.schema, Preprocessor.fromJSON(json.preprocessor), decode(json.model));
  }

  /** Design matrix of `table` (row-major `nRows × preprocessor.nFeatures`). */
  transform(table: Table): Float64Array {
    return this.preprocessor.transform(table);
  }

  /** P(y = 1) per row of a raw table (feature columns by name; other columns are ignored). */
  predictProba(this: Pipeline<BinaryClassifier>, table: Table): Float64Array {
    return this.model.predictProba(this.transform(table), table.nRows);
  }

  /** Serialisable form. */
  toJSON(): PipelineJSON {
    return { version: 1, schema: this.schema, preprocessor: this.preprocessor.toJSON(), model: this.model.toJSON() };
  }
}

/** Narrows a pipeline to one whose model is a binary classifier. */
export function isBinaryPipeline(pipeline: Pipeline): pipeline is Pipeline<BinaryClassifier> {
  return pipeline.model.task === 'binary';
}
