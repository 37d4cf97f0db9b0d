import { describe, expect, it } from 'vitest';
import { CartClassifier, fitCart } from './cart.js';
import { featureRanges, leafIndex, leafPaths, normalisedIntervals, treeDepth } from './flat-tree.js';
import { accuracyAtHalf, hashDataset, nonlinearDataset } from './synthetic-data.js';

const column = (...xs: number[]) => Float64Array.from(xs);

describe('fitCart', () => {
  it('separates a one-feature step with a single split at the midpoint', () => {
    const model = fitCart({ X: column(1, 2, 3, 4, 5, 6), nRows: 6, nFeatures: 1, y: column(0, 0, 0, 1, 1, 1) });
    expect(model.tree.feature[0]).toBe(0);
    expect(model.tree.threshold[0]).toBe(3.5);
    expect(Array.from(model.predictProba(column(1, 3.4, 3.6, 6), 4))).toEqual([0, 0, 1, 1]);
    expect(treeDepth(model.tree)).toBe(1);
    expect(Array.from(model.featureImportances)).toEqual([1]);
  });

  it('picks the Gini-optimal threshold computed by hand', () => {
    // y = 0 0 1 0 1 over x = 1..5. Weighted Gini mass 2p(w−p)/w of each cut:
    // x<1.5: 0 + 2·2·2/4 = 2; x<2.5: 0 + 2·2·1/3 = 4/3; x<3.5: 4/3 + 1 = 7/3; x<4.5: 3/2 + 0.
    const model = fitCart({ X: column(1, 2, 3, 4, 5), nRows: 5, nFeatures: 1, y: column(0, 0, 1, 0, 1) }, { maxDepth: 1 });
    expect(model.tree.threshold[0]).toBe(2.5);
    expect(model.tree.value[model.tree.left[0] as number]).toBe(0);
    expect(model.tree.value[model.tree.right[0] as number]).toBeCloseTo(2 / 3, 15);
  });

  it('stops when the impurity decrease is below minImpurityDecrease', () => {
    // Root mass 2·2·3/5 = 2.4, best children 4/3: decrease (2.4 − 4/3)/5 = 0.21333…
    const data = { X: column(1, 2, 3, 4, 5), nRows: 5, nFeatures: 1, y: column(0, 0, 1, 0, 1) };
    expect(fitCart(data, { maxDepth: 1, minImpurityDecrease: 0.213 }).tree.feature.length).toBe(3);
    expect(fitCart(data, { maxDepth: 1, minImpurityDecrease: 0.214 }).tree.feature.length).toBe(1);
  });

  it('needs depth 2 to fit XOR and fits it exactly at depth 2', () => {
    const data = { X: column(0, 0, 0, 1, 1, 0, 1, 1), nRows: 4, nFeatures: 2, y: column(0, 1, 1, 0) };
    expect(accuracyAtHalf(fitCart(data, { maxDepth: 1 }).predictProba(data.X, 4), data.y)).toBe(0.5);
    const deep = fitCart(data, { maxDepth: 2 });
    expect(Array.from(deep.predictProba(data.X, 4))).toEqual([0, 1, 1, 0]);
  });

  it('gives all importance to the informative feature when the other is noise', () => {
    const n = 200;
    const X = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[2 * i] = (i * 37) % 101; // noise
      X[2 * i + 1] = i;
      y[i] = i >= 120 ? 1 : 0;
    }
    const model = fitCart({ X, nRows: n, nFeatures: 2, y });
    expect(Array.from(model.featureImportances)).toEqual([0, 1]);
  });

  it('normalises Gini importances to sum to 1', () => {
    const model = fitCart(nonlinearDataset(400, 6, 1), { maxDepth: 6 });
    const sum = model.featureImportances.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 12);
    expect(Math.min(...model.featureImportances)).toBeGreaterThanOrEqual(0);
  });

  it('keeps at least minSamplesLeaf rows in every leaf', () => {
    const model = fitCart(nonlinearDataset(500, 5, 2), { minSamplesLeaf: 17 });
    const leaves = leafPaths(model.tree);
    expect(leaves.length).toBeGreaterThan(4);
    for (const leaf of leaves) expect(leaf.nSamples).toBeGreaterThanOrEqual(17);
  });

  it('grows pure leaves without limits, fitting distinct training rows exactly', () => {
    const data = hashDataset(300, 3);
    const model = fitCart(data);
    expect(accuracyAtHalf(model.predictProba(data.X, data.nRows), data.y)).toBe(1);
  });

  it('treats a row weight of 2 like a duplicated row', () => {
    const base = hashDataset(60, 2);
    const weights = new Float64Array(60).fill(1);
    const dupX: number[] = Array.from(base.X);
    const dupY: number[] = Array.from(base.y);
    for (let i = 0; i < 60; i += 3) {
      weights[i] = 2;
      dupX.push(base.X[2 * i] as number, base.X[2 * i + 1] as number);
      dupY.push(base.y[i] as number);
    }
    const weighted = fitCart({ ...base, sampleWeight: weights }, { maxDepth: 4 });
    const duplicated = fitCart({ X: Float64Array.from(dupX), nRows: dupY.length, nFeatures: 2, y: Float64Array.from(dupY) }, { maxDepth: 4 });
    expect(Array.from(weighted.tree.threshold)).toEqual(Array.from(duplicated.tree.threshold));
    expect(Array.from(weighted.predictProba(base.X, 60))).toEqual(Array.from(duplicated.predictProba(base.X, 60)));
  });

  it('is reproducible for a seed and varies across seeds when sampling features', () => {
    const data = nonlinearDataset(300, 8, 3);
    const a = fitCart(data, { maxFeatures: 'sqrt', seed: 7, maxDepth: 5 });
    const b = fitCart(data, { maxFeatures: 'sqrt', seed: 7, maxDepth: 5 });
    const c = fitCart(data, { maxFeatures: 'sqrt', seed: 8, maxDepth: 5 });
    expect(Array.from(a.tree.feature)).toEqual(Array.from(b.tree.feature));
    expect(Array.from(a.tree.feature)).not.toEqual(Array.from(c.tree.feature));
  });

  it('only splits on features it may draw when maxFeatures is 1 at a depth-1 tree', () => {
    // With one feature drawn per node and every feature non-constant, the root split feature
    // is whichever was drawn first, so over seeds several different root features appear.
    const data = nonlinearDataset(200, 5, 4);
    const roots = new Set<number>();
    for (let seed = 0; seed < 20; seed++) roots.add(fitCart(data, { maxFeatures: 1, maxDepth: 1, seed }).tree.feature[0] as number);
    expect(roots.size).toBeGreaterThan(2);
  });

  it('matches scikit-learn DecisionTreeClassifier(max_depth=4) probabilities on the hash dataset', () => {
    // Reference: scikit-learn 1.x, DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y)
    // on hashDataset(200, 3) (formula in synthetic-data.ts); predict_proba(X)[:, 1] rows 0..9.
    const data = hashDataset(200, 3);
    const model = fitCart(data, { maxDepth: 4 });
    const p = model.predictProba(data.X.subarray(0, 10 * 3), 10);
    expect(Array.from(p)).toEqual(SKLEARN_DEPTH4_FIRST10.map((v) => expect.closeTo(v, 12)));
  });

  it('rejects labels other than 0 and 1 with the offending row', () => {
    expect(() => fitCart({ X: column(1, 2), nRows: 2, nFeatures: 1, y: column(0, 2) })).toThrow(/y\[1\] = 2/);
  });

  it('round-trips through JSON with identical predictions', () => {
    const data = nonlinearDataset(300, 4, 5);
    const model = fitCart(data, { maxDepth: 5 });
    const copy = CartClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(copy.predictProba(data.X, data.nRows))).toEqual(Array.from(model.predictProba(data.X, data.nRows)));
  });
});

describe('leafPaths', () => {
  it('gives each training row a box that contains it and only it among the leaves', () => {
    const data = nonlinearDataset(300, 4, 6);
    const model = fitCart(data, { maxDepth: 5 });
    const paths = leafPaths(model.tree);
    expect(paths.reduce((s, p) => s + p.nSamples, 0)).toBe(300);
    for (let i = 0; i < data.nRows; i++) {
      const inside = paths.filter((p) => {
        for (let j = 0; j < 4; j++) {
          const x = Math.fround(data.X[i * 4 + j] as number);
          if (!(x >= (p.lower[j] as number) && x < (p.upper[j] as number))) return false;
        }
        return true;
      });
      expect(inside.map((p) => p.leaf)).toEqual([leafIndex(model.tree, data.X, i)]);
      expect(inside[0]?.value).toBe(model.predictProba(data.X.subarray(i * 4, i * 4 + 4), 1)[0]);
    }
  });

  it('maps leaf boxes to [0, 1] intervals by the training range of each feature', () => {
    // One split at x0 < 3.5 over x0 ∈ [1, 6] (x1 ∈ [10, 20] is never split on).
    const X = Float64Array.from([1, 10, 2, 20, 3, 15, 4, 12, 5, 18, 6, 11]);
    const model = fitCart({ X, nRows: 6, nFeatures: 2, y: Float64Array.from([0, 0, 0, 1, 1, 1]) });
    const { min, max } = featureRanges(X, 6, 2);
    expect(Array.from(min)).toEqual([1, 10]);
    expect(Array.from(max)).toEqual([6, 20]);
    const boxes = leafPaths(model.tree).map((p) => Array.from(normalisedIntervals(p, min, max)));
    expect(boxes).toEqual([
      [0, 0.5, 0, 1],
      [0.5, 1, 0, 1],
    ]);
  });
});

const SKLEARN_DEPTH4_FIRST10 = [2 / 3, 1, 1, 0, 0, 0, 1, 1, 1, 1];
