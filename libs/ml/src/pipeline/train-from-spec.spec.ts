import { describe, it, expect } from 'vitest';
import { makeSyntheticBinary } from '../data/synthetic.js';
import { type Column, createTable, takeRows } from '../data/table.js';
import { extractLabels } from '../data/labels.js';
import { rocAuc } from '../metrics/roc-auc.js';
import { fitLogisticRegression } from '../models/logistic-regression.js';
import { Preprocessor } from '../preprocess/preprocessor.js';
import { Pipeline, isBinaryPipeline } from './pipeline.js';
import { type TrainSpec, fitPipeline, trainFromSpec } from './train-from-spec.js';

describe('trainFromSpec', () => {
  const { table, schema, trueLogit } = makeSyntheticBinary({ nRows: 4000, seed: 12 });
  const spec: TrainSpec = { schema, model: { kind: 'logistic-regression', params: { l2: 1 } } };

  it('gives the same pipeline as fitting the parts by hand', () => {
    const result = trainFromSpec(spec, table);
    const pre = Preprocessor.fit(table, schema.features);
    const model = fitLogisticRegression(
      { X: pre.transform(table), nRows: table.nRows, nFeatures: pre.nFeatures, y: extractLabels(table, schema) },
      { l2: 1 },
    );
    expect(result.nTrainRows).toBe(4000);
    expect(result.pipeline).toEqual(JSON.parse(JSON.stringify(new Pipeline(schema, pre, model))));
  });

  it('returns structured-clone-safe output that rebuilds a working pipeline', () => {
    const cloned = structuredClone(trainFromSpec(spec, structuredClone(table)));
    const pipeline = Pipeline.fromJSON(cloned.pipeline);
    if (!isBinaryPipeline(pipeline)) throw new Error('expected a binary pipeline');
    // The ground-truth logit ranks rows best; the fitted model should come close to it.
    const y = extractLabels(table, schema);
    const oracle = rocAuc(y, trueLogit);
    expect(rocAuc(y, pipeline.predictProba(table))).toBeGreaterThan(oracle - 0.02);
  });

  it('recovers the generating coefficients on complete data', () => {
    const { table: clean, schema: s } = makeSyntheticBinary({ nRows: 20_000, seed: 4, missingRate: 0 });
    const pipeline = fitPipeline(clean, { schema: s, model: { kind: 'logistic-regression', params: { l2: 0 } }, preprocess: { standardize: false } });
    const json = pipeline.toJSON().model.params;
    const coef = json !== null && typeof json === 'object' && !Array.isArray(json) ? json['coef'] : undefined;
    if (!Array.isArray(coef)) throw new Error('no coef');
    const names = pipeline.preprocessor.featureNames;
    const at = (name: string): number => coef[names.indexOf(name)] as number;
    // x1, x2 enter the logit directly; x3 as 0.75·(x3 − 50)/10. Tolerances are ~4 standard errors.
    expect(Math.abs(at('x1') - 1.5)).toBeLessThan(0.1);
    expect(Math.abs(at('x2') + 1.0)).toBeLessThan(0.1);
    expect(Math.abs(at('x3') - 0.075)).toBeLessThan(0.01);
    // Colour effects are identified up to a constant: compare differences with green.
    expect(Math.abs(at('color=red') - at('color=green') - 0.8)).toBeLessThan(0.2);
    expect(Math.abs(at('color=black') - at('color=green') - 1.2)).toBeLessThan(0.25);
  });

  it('trains on a row subset and drops rows without a label', () => {
    const columns = table.columns.map((c): Column =>
      c.name === 'y' && c.type === 'categorical' ? { ...c, codes: c.codes.map((v, i) => (i % 10 === 0 ? -1 : v)) } : c,
    );
    const holes = createTable(columns);
    const rows = Int32Array.from({ length: 1000 }, (_, i) => i);
    const result = trainFromSpec({ ...spec, rows }, holes);
    expect(result.nTrainRows).toBe(900);
    expect(takeRows(holes, rows).nRows).toBe(1000);
  });

  it('rejects unknown kinds and misspelt params', () => {
    expect(() => trainFromSpec({ ...spec, model: { kind: 'svm' } }, table)).toThrow(/no trainer for model kind 'svm'/);
    expect(() => trainFromSpec({ ...spec, model: { kind: 'logistic-regression', params: { l2Penalty: 1 } } }, table)).toThrow(
      /unknown params l2Penalty/,
    );
    expect(() => trainFromSpec({ ...spec, model: { kind: 'logistic-regression', params: { l2: 'big' } } }, table)).toThrow(
      /'l2' must be a finite number/,
    );
  });
});
