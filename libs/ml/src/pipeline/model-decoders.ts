/**
 * Model kind → decoder, used by `Pipeline.fromJSON`. To add a model family, add one entry
 * here (an explicit table rather than import-time self-registration, so what can be decoded
 * never depends on which modules happened to load first).
 */
import { LOGISTIC_REGRESSION_KIND, LogisticRegressionModel } from '../models/logistic-regression.js';
import type { ModelDecoder } from '../models/types.js';

/** Built-in decoders, keyed by `SerializedModel.kind`. */
export const modelDecoders: Readonly<Record<string, ModelDecoder>> = {
  [LOGISTIC_REGRESSION_KIND]: (json) => LogisticRegressionModel.fromJSON(json),
};
