/**
 * Training-speed benchmarks for the tree models and the MLP (not run by `vitest run`):
 *   cd libs/ml && npx vitest bench --run bench/tree-training.bench.ts
 * Data: `nonlinearDataset(32 000, 100, seed 1)`, 4 informative Gaussian features + 96 noise.
 */
import { bench, describe } from 'vitest';
import { fitMlp } from '../src/models/mlp/mlp.js';
import { fitCart } from '../src/models/trees/cart.js';
import { fitGbdt } from '../src/models/trees/gbdt.js';
import { nonlinearDataset } from '../src/models/trees/synthetic-data.js';

const data = nonlinearDataset(32_000, 100, 1);

describe('training on 32k rows × 100 features', () => {
  bench('gbdt, 200 rounds, depth 6, 255 bins', () => void fitGbdt(data, { nRounds: 200, maxDepth: 6 }), { iterations: 3, warmupIterations: 1 });
  bench('cart, depth 10', () => void fitCart(data, { maxDepth: 10, minSamplesLeaf: 5 }), { iterations: 3, warmupIterations: 1 });
  bench('mlp [64, 32], 5 epochs', () => void fitMlp(data, { hiddenLayers: [64, 32], maxEpochs: 5, validationFraction: 0 }), {
    iterations: 3,
    warmupIterations: 1,
  });
});
