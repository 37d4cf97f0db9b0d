/**
 * Model kind → decoder, used by `Pipeline.fromJSON`. To add a model family, add one entry
 * here (an explicit table rather than import-time self-registration, so what can be decoded
 * never depends on which modules happened to load first).
 */
import { LOGISTIC_REGRESSION_KIND, LogisticRegressionModel } from '../models/logistic-regression.js';
import type { ModelDecoder } from '../models/types.js';
import { CART_KIND, CartClassifier } from '../models/trees/cart.js';
import { GBDT_KIND, GbdtClassifier } from '../models/trees/gbdt.js';
import { MLP_KIND, MlpClassifier } from '../models/mlp/mlp.js';

/** Built-in decoders, keyed by `SerializedModel.kind`. */
export const modelDecoders: Readonly<Record<string, ModelDecoder>> = {
  [LOGISTIC_REGRESSION_KIND]: (json) => LogisticRegressionModel.fromJSON(json),
  [CART_KIND]: (json) => CartClassifier.fromJSON(json),
  [GBDT_KIND]: (json) => GbdtClassifier.fromJSON(json),
  [MLP_KIND]: (json) => MlpClassifier.fromJSON(json),
};
