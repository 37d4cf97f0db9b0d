import { describe, expect, it } from 'vitest';
import { fitCart } from './cart.js';
import { leafPaths, treeDepth } from './flat-tree.js';
import { GbdtClassifier, fitGbdt } from './gbdt.js';
import { accuracyAtHalf, hashDataset, nonlinearDataset, sliceTrainingSet } from './synthetic-data.js';

const floats = (...xs: number[]) => Float64Array.from(xs);

describe('fitGbdt', () => {
  it('computes the first tree by hand: leaf −η·G/(H+λ) and gain ½[G_L²/(H_L+λ)+G_R²/(H_R+λ)−G²/(H+λ)]', () => {
    // Balanced labels → base margin 0, p = ½, g = p − y = ±½, h = ¼ per row.
    // Cut x < 2.5: G_L = 1, H_L = ½, G_R = −1, H_R = ½, λ = 1 → leaves ∓1/1.5, gain ½(2/1.5) = 2/3.
    const model = fitGbdt(
      { X: floats(1, 2, 3, 4), nRows: 4, nFeatures: 1, y: floats(0, 0, 1, 1) },
      { nRounds: 1, maxDepth: 1, learningRate: 1, lambda: 1, minSamplesLeaf: 1 },
    );
    const tree = model.trees[0];
    expect(model.baseScore).toBe(0);
    expect(tree?.threshold[0]).toBe(2.5);
    expect(tree?.value[tree.left[0] as number]).toBeCloseTo(-2 / 3, 14);
    expect(tree?.value[tree.right[0] as number]).toBeCloseTo(2 / 3, 14);
    expect(Array.from(model.predictMargin(floats(0, 3), 2))).toEqual([expect.closeTo(-2 / 3, 14), expect.closeTo(2 / 3, 14)]);
  });

  it('matches XGBoost hist probabilities when every value has its own bin', () => {
    // Reference: xgboost 3.2.0 XGBClassifier(n_estimators=5, max_depth=3, learning_rate=0.3,
    // reg_lambda=1, min_child_weight=0, gamma=0, tree_method='hist', max_bin=256,
    // base_score=mean(y)=0.615).fit(X, y) on hashDataset(200, 3); predict_proba(X)[:10, 1].
    // XGBoost accumulates in float32, hence the 1e-6 tolerance.
    const data = hashDataset(200, 3);
    const model = fitGbdt(data, { nRounds: 5, maxDepth: 3, learningRate: 0.3, lambda: 1, minChildWeight: 0, minSamplesLeaf: 1 });
    const p = model.predictProba(data.X.subarray(0, 30), 10);
    const xgb = [
      0.8529192805290222, 0.8968029618263245, 0.8968029618263245, 0.1370573341846466, 0.18933367729187012, 0.1370573341846466,
      0.8968029618263245, 0.8968029618263245, 0.8968029618263245, 0.7349971532821655,
    ];
    for (let i = 0; i < 10; i++) expect(p[i]).toBeCloseTo(xgb[i] as number, 6);
    // XGBoost total_gain: f0 54.812, f1 293.023, f2 7.043 (sum 354.878).
    const total = 54.812137603759766 + 293.0227966308594 + 7.042818069458008;
    expect(model.featureImportances[1]).toBeCloseTo(293.0227966308594 / total, 5);
    expect(model.featureImportances[0]).toBeCloseTo(54.812137603759766 / total, 5);
  });

  it('learns a nonlinear problem to over 85% held-out accuracyAtHalf where one tree stays below', () => {
    const all = nonlinearDataset(6000, 8, 11);
    const train = sliceTrainingSet(all, 0, 4000);
    const test = sliceTrainingSet(all, 4000, 6000);
    const boosted = fitGbdt(train, { nRounds: 150, maxDepth: 4, learningRate: 0.1 });
    const single = fitCart(train, { maxDepth: 4 });
    const boostedAcc = accuracyAtHalf(boosted.predictProba(test.X, test.nRows), test.y);
    expect(boostedAcc).toBeGreaterThan(0.85);
    expect(boostedAcc).toBeGreaterThan(accuracyAtHalf(single.predictProba(test.X, test.nRows), test.y) + 0.03);
  });

  it('ranks informative features above noise by normalised gain importance', () => {
    const data = nonlinearDataset(3000, 8, 12);
    const model = fitGbdt(data, { nRounds: 40, maxDepth: 3 });
    expect(model.featureImportances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const informative = Math.min(...Array.from(model.featureImportances.subarray(0, 4)));
    const noise = Math.max(...Array.from(model.featureImportances.subarray(4)));
    expect(informative).toBeGreaterThan(noise);
  });

  it('respects maxDepth, maxLeaves and minSamplesLeaf in every tree', () => {
    const data = nonlinearDataset(2000, 5, 13);
    const model = fitGbdt(data, { nRounds: 10, maxDepth: 5, maxLeaves: 7, minSamplesLeaf: 40 });
    for (const tree of model.trees) {
      expect(treeDepth(tree)).toBeLessThanOrEqual(5);
      const leaves = leafPaths(tree);
      expect(leaves.length).toBeLessThanOrEqual(7);
      for (const leaf of leaves) expect(leaf.nSamples).toBeGreaterThanOrEqual(40);
    }
  });

  it('stops early at the round with the lowest validation loss', () => {
    const all = nonlinearDataset(3000, 10, 14);
    const model = fitGbdt(sliceTrainingSet(all, 0, 1500), {
      nRounds: 500,
      learningRate: 0.5,
      maxDepth: 6,
      minSamplesLeaf: 1,
      validation: sliceTrainingSet(all, 1500, 3000),
      earlyStoppingRounds: 5,
    });
    const losses = Array.from(model.validationLoss);
    expect(losses.length).toBeLessThan(500);
    expect(losses.length).toBe(model.trees.length + 5);
    expect(Math.min(...losses)).toBe(losses[model.trees.length - 1]);
  });

  it('is reproducible for a seed when subsampling rows and varies across seeds', () => {
    const data = nonlinearDataset(1000, 5, 15);
    const opts = { nRounds: 5, maxDepth: 3, subsample: 0.5 };
    const a = fitGbdt(data, { ...opts, seed: 1 }).predictProba(data.X, data.nRows);
    const b = fitGbdt(data, { ...opts, seed: 1 }).predictProba(data.X, data.nRows);
    const c = fitGbdt(data, { ...opts, seed: 2 }).predictProba(data.X, data.nRows);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('learns which side missing values go to', () => {
    // x0 is NaN exactly for the positive rows of a noisy feature; x1 is pure noise.
    const n = 400;
    const X = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3 === 0 ? 1 : 0;
      X[2 * i] = y[i] === 1 ? Number.NaN : (i * 37) % 101;
      X[2 * i + 1] = (i * 53) % 97;
    }
    const model = fitGbdt({ X, nRows: n, nFeatures: 2, y }, { nRounds: 20, maxDepth: 2 });
    expect(accuracyAtHalf(model.predictProba(X, n), y)).toBe(1);
    expect(model.trees[0]?.feature[0]).toBe(0);
    expect(model.featureImportances[0]).toBeGreaterThan(0.99);
  });

  it('treats a row weight of 2 like a duplicated row', () => {
    const base = hashDataset(120, 3);
    const weights = new Float64Array(120).fill(1);
    const dupX: number[] = Array.from(base.X);
    const dupY: number[] = Array.from(base.y);
    for (let i = 0; i < 120; i += 4) {
      weights[i] = 2;
      dupX.push(...base.X.subarray(3 * i, 3 * i + 3));
      dupY.push(base.y[i] as number);
    }
    const opts = { nRounds: 8, maxDepth: 3, minSamplesLeaf: 1, minChildWeight: 0 };
    const weighted = fitGbdt({ ...base, sampleWeight: weights }, opts).predictProba(base.X, 120);
    const duplicated = fitGbdt({ X: Float64Array.from(dupX), nRows: dupY.length, nFeatures: 3, y: Float64Array.from(dupY) }, opts).predictProba(base.X, 120);
    for (let i = 0; i < 120; i++) expect(weighted[i]).toBeCloseTo(duplicated[i] as number, 12);
  });

  it('gives the same scores after a JSON round trip', () => {
    const data = nonlinearDataset(500, 4, 16);
    const model = fitGbdt(data, { nRounds: 10 });
    const copy = GbdtClassifier.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(Array.from(copy.predictProba(data.X, data.nRows))).toEqual(Array.from(model.predictProba(data.X, data.nRows)));
  });

  it('rejects a validation set with a different feature count', () => {
    const data = nonlinearDataset(100, 4, 17);
    const validation = nonlinearDataset(50, 5, 18);
    expect(() => fitGbdt(data, { validation })).toThrow(/validation has 5 features/);
  });
});
