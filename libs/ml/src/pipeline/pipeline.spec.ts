import { describe, it, expect } from 'vitest';
import { extractLabels } from '../data/labels.js';
import { makeSyntheticBinary } from '../data/synthetic.js';
import { LogisticRegressionModel, fitLogisticRegression } from '../models/logistic-regression.js';
import { Preprocessor } from '../preprocess/preprocessor.js';
import { Pipeline, isBinaryPipeline } from './pipeline.js';

describe('Pipeline', () => {
  const { table, schema } = makeSyntheticBinary({ nRows: 500, seed: 3 });
  const pre = Preprocessor.fit(table, schema.features);
  const X = pre.transform(table);
  const model = fitLogisticRegression({ X, nRows: table.nRows, nFeatures: pre.nFeatures, y: extractLabels(table, schema) });
  const pipeline = new Pipeline(schema, pre, model);

  it('predicts from raw columns exactly as preprocessor then model', () => {
    expect(Array.from(pipeline.predictProba(table))).toEqual(Array.from(model.predictProba(X, table.nRows)));
  });

  it('round-trips through JSON to the same predictions', () => {
    const back = Pipeline.fromJSON(JSON.parse(JSON.stringify(pipeline)));
    expect(back.model).toBeInstanceOf(LogisticRegressionModel);
    if (!isBinaryPipeline(back)) throw new Error('expected a binary pipeline');
    expect(Array.from(back.predictProba(table))).toEqual(Array.from(pipeline.predictProba(table)));
  });

  it('rejects a model trained on another number of features', () => {
    const wrong = new LogisticRegressionModel(new Float64Array(2), 0);
    expect(() => new Pipeline(schema, pre, wrong)).toThrow(/expects 2 features, preprocessor produces/);
  });

  it('names the unknown kind when no decoder exists', () => {
    const json = { ...pipeline.toJSON(), model: { ...model.toJSON(), kind: 'mystery' } };
    expect(() => Pipeline.fromJSON(json)).toThrow(/no decoder for model kind 'mystery'/);
  });
});
