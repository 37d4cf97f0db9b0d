import { describe, expect, it } from 'vitest';
import { type Pipeline, type Table, fitPipeline, makeSyntheticBinary, predictTree, CartClassifier, takeRows } from '@ratchet/ml';
import { cartPaths, inputImportances, linearCoefficients } from './model-signatures.js';
import { treeDistance } from './path-distance.js';
import { referenceSpace } from './reference-space.js';

const { table, schema } = makeSyntheticBinary({ nRows: 1500, seed: 11, missingRate: 0 });
const first = Int32Array.from({ length: 500 }, (_, i) => i);
const all = Int32Array.from({ length: 1500 }, (_, i) => i);
const space = referenceSpace(table, schema, all);

function fit(kind: string, rows: Int32Array, params = {}): Pipeline {
  return fitPipeline(table, { schema, model: { kind, params }, rows, seed: 1 });
}

describe('linearCoefficients', () => {
  it('is the model itself when the reference space was fitted on the same rows', () => {
    const lr = fit('logistic-regression', all, { l2: 1 });
    expect(Array.from(linearCoefficients(lr, space))).toEqual(Array.from((lr.model as unknown as { coef: Float64Array }).coef));
  });

  it('keeps the change of log-odds per raw unit when re-expressed on another scale', () => {
    const lr = fit('logistic-regression', first, { l2: 1 });
    const coef = linearCoefficients(lr, space);
    const f = (k: number) => lr.preprocessor.features[k] as { scale: number };
    const g = (k: number) => space.preprocessor.features[k] as { scale: number };
    const own = (lr.model as unknown as { coef: Float64Array }).coef;
    for (const k of [0, 1, 2]) expect((coef[k] as number) / g(k).scale).toBeCloseTo((own[k] as number) / f(k).scale, 12);
  });
});

describe('cartPaths', () => {
  const cart = fit('cart', first, { maxDepth: 4 });
  const paths = cartPaths(cart, space);

  it('turns every leaf into normalised intervals, level sets and the leaf value', () => {
    expect(paths.length).toBeGreaterThan(4);
    for (const p of paths) {
      expect(p.intervals.length).toBe(2 * 3);
      for (const v of p.intervals) expect(v >= 0 && v <= 1).toBe(true);
      expect(p.categories?.length).toBe(2);
      expect(p.value >= 0 && p.value <= 1).toBe(true);
    }
    expect(paths.some((p) => (p.categories?.[0]?.size ?? 0) < (space.levels[3]?.length ?? 0))).toBe(true);
  });

  it('puts each complete row in the raw box of the leaf the tree sends it to', () => {
    const model = cart.model as CartClassifier;
    const sample: Table = takeRows(table, Int32Array.from({ length: 50 }, (_, i) => 600 + i));
    const X = cart.transform(sample);
    const values = predictTree(model.tree, X, sample.nRows);
    const x1 = sample.columns.find((c) => c.name === 'x1') as { values: Float64Array };
    const lo = space.rawMin[0] as number;
    const width = (space.rawMax[0] as number) - lo;
    for (let i = 0; i < sample.nRows; i++) {
      const z = ((x1.values[i] as number) - lo) / width;
      const inside = paths.filter((p) => (p.intervals[0] as number) <= z + 1e-6 && z <= (p.intervals[1] as number) + 1e-6);
      expect(inside.some((p) => p.value === values[i])).toBe(true);
    }
  });

  it('gives distance 0 to the same tree and more to a tree trained on other rows', () => {
    const other = cartPaths(fit('cart', Int32Array.from({ length: 500 }, (_, i) => 1000 + i), { maxDepth: 4 }), space);
    expect(treeDistance(paths, paths).distance).toBe(0);
    expect(treeDistance(paths, other).distance).toBeGreaterThan(0);
  });
});

describe('inputImportances', () => {
  it('sums one-hot importances per input feature and keeps the total', () => {
    const gbdt = fit('gbdt', first, { nRounds: 10 });
    const v = inputImportances(gbdt, space);
    expect(v.length).toBe(5);
    expect(v.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
  });

  it('refuses a model without built-in importances', () => {
    expect(() => inputImportances(fit('logistic-regression', first), space)).toThrow(/CART or GBDT/);
  });
});
