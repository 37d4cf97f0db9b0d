import { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Column,
  type Pipeline,
  type Table,
  categoricalColumn,
  categoryAt,
  createTable,
  extractLabels,
  fitPipeline,
  getCategoricalColumn,
  makeSyntheticBinary,
  stratifiedSplit,
  takeRows,
  toOnnxInputs,
} from '@ratchet/ml';
import { correctness } from './correctness.js';
import { ARM_OUTPUT, GATE_METADATA_KEYS, exportGatedPair } from './export-gated-pair.js';
import { type LabelledTable, fitPairGate } from './fit-pair-gate.js';
import { type PairGate, predictGatedPair, unionInputs } from './gated-pair.js';

/** Rows with numbers rounded to FP32 (what the graph receives) and an unseen colour every 7th row. */
function asServed(table: Table): Table {
  const columns = table.columns.map((c): Column => {
    if (c.type === 'numeric') return { ...c, values: c.values.map(Math.fround) };
    if (c.name !== 'color') return c;
    const color = getCategoricalColumn(table, 'color');
    return categoricalColumn(
      'color',
      Array.from({ length: table.nRows }, (_, i) => (i % 7 === 3 ? 'turquoise' : categoryAt(color, i))),
    );
  });
  return createTable(columns);
}

interface OnnxOutputs {
  readonly probabilities: Float32Array;
  readonly label: BigInt64Array;
  readonly arm: BigInt64Array;
}

async function runComposite(bytes: Uint8Array, a: Pipeline, b: Pipeline, gate: PairGate, table: Table): Promise<OnnxOutputs> {
  const session = await InferenceSession.create(bytes);
  try {
    const feeds: Record<string, Tensor> = {};
    const inputs = unionInputs(a.preprocessor.inputs, b.preprocessor.inputs, gate.features.inputs);
    for (const [name, input] of Object.entries(toOnnxInputs(table, inputs, '?'))) {
      feeds[name] = new Tensor(input.type, input.data, [...input.dims]);
    }
    const out = await session.run(feeds);
    return {
      probabilities: out['probabilities']?.data as Float32Array,
      label: out['label']?.data as BigInt64Array,
      arm: out[ARM_OUTPUT]?.data as BigInt64Array,
    };
  } finally {
    await session.release();
  }
}

describe('exportGatedPair', () => {
  const { table, schema } = makeSyntheticBinary({ nRows: 5000, seed: 33, missingRate: 0.08 });
  const y = extractLabels(table, schema);
  const outer = stratifiedSplit(y, { testFraction: 0.5, seed: 1 });
  const inner = stratifiedSplit(Float64Array.from(outer.test, (i) => y[i] as number), { testFraction: 0.5, seed: 2 });
  const modelRows = outer.train;
  const gateRows = Int32Array.from(inner.train, (i) => outer.test[i] as number);
  const restRows = Int32Array.from(inner.test, (i) => outer.test[i] as number);
  const calibrationRows = restRows.slice(0, 900);
  const testRows = restRows.slice(900);
  const labelled = (rows: Int32Array): LabelledTable => ({
    table: asServed(takeRows(table, rows)),
    y: Float64Array.from(rows, (i) => y[i] as number),
  });
  const fit = labelled(gateRows);
  const calibration = labelled(calibrationRows);
  const test = labelled(testRows);
  let a: Pipeline;
  let b: Pipeline;

  beforeAll(() => {
    a = fitPipeline(takeRows(table, modelRows), { schema, model: { kind: 'logistic-regression', params: { l2: 1 } } });
    b = fitPipeline(takeRows(table, modelRows), {
      schema,
      model: { kind: 'gbdt', params: { nRounds: 30, maxDepth: 4, learningRate: 0.3 } },
    });
  });

  it('held-out rows really carry missing values and an unseen category', () => {
    const color = getCategoricalColumn(test.table, 'color');
    expect(color.categories).toContain('turquoise');
    expect(Array.from(color.codes).filter((c) => c === -1).length).toBeGreaterThan(10);
  });

  for (const [kind, metaModel] of [
    ['knn', 'logistic-regression'],
    ['meta', 'logistic-regression'],
    ['meta', 'gbdt'],
  ] as const) {
    it(`computes the TypeScript gated predictions: probabilities within 1e-5 and identical arms (${kind === 'knn' ? 'kNN gate' : `meta gate, ${metaModel} meta model`})`, async () => {
      const fitted = fitPairGate(a, b, fit, calibration, {
        kind,
        budget: 0.05,
        confidence: 0.9,
        k: 11,
        metaModel: { kind: metaModel, params: metaModel === 'gbdt' ? { nRounds: 20, maxDepth: 3, minSamplesLeaf: 5 } : { l2: 1 } },
      });
      expect(fitted.calibration.feasible).toBe(true);
      const bytes = exportGatedPair(a, b, fitted.gate, { budget: 0.05, confidence: 0.9 });
      const expected = predictGatedPair(a, b, fitted.gate, test.table);
      const out = await runComposite(bytes, a, b, fitted.gate, test.table);
      const n = test.table.nRows;
      expect(out.probabilities.length).toBe(2 * n);
      expect(Array.from(out.arm, Number)).toEqual(Array.from(expected.arm));
      let routed = 0;
      let maxError = 0;
      for (let i = 0; i < n; i++) {
        const want = expected.proba[i] as number;
        maxError = Math.max(
          maxError,
          Math.abs((out.probabilities[2 * i + 1] as number) - want),
          Math.abs((out.probabilities[2 * i] as number) - (1 - want)),
        );
        if (Math.abs(want - 0.5) > 1e-5) expect(Number(out.label[i])).toBe(expected.label[i]);
        routed += expected.arm[i] as number;
      }
      expect(maxError).toBeLessThan(1e-5);
      expect(routed).toBeGreaterThan(0);
      expect(routed).toBeLessThan(n);
    });

  }

  for (const kind of ['knn', 'meta'] as const) {
    it(`a gate calibrated to budget 0 has zero regressions vs A on its calibration set through the graph (${kind} gate)`, async () => {
      const fitted = fitPairGate(a, b, fit, calibration, { kind, budget: 0, k: 11 });
      expect(fitted.calibration.feasible).toBe(true);
      const out = await runComposite(exportGatedPair(a, b, fitted.gate), a, b, fitted.gate, calibration.table);
      const reference = predictGatedPair(a, b, fitted.gate, calibration.table);
      const correctA = correctness(calibration.y, reference.predA);
      const correctGated = correctness(calibration.y, Array.from(out.label, Number));
      let regressions = 0;
      for (let i = 0; i < correctA.length; i++) if (correctA[i] === 1 && correctGated[i] === 0) regressions++;
      expect(regressions).toBe(0);
      expect(fitted.report.regressions).toBe(0);
      expect(Array.from(out.arm, Number)).toEqual(Array.from(reference.arm));
    });
  }

  it('records the gate in metadata and declares the union of the raw columns once each', async () => {
    const fitted = fitPairGate(a, b, fit, calibration, { kind: 'knn', budget: 0.01, confidence: 0.95, k: 5 });
    const bytes = exportGatedPair(a, b, fitted.gate, { budget: 0.01, confidence: 0.95 });
    const text = new TextDecoder().decode(bytes);
    for (const key of [GATE_METADATA_KEYS.kind, GATE_METADATA_KEYS.budget, GATE_METADATA_KEYS.confidence, GATE_METADATA_KEYS.threshold]) {
      expect(text).toContain(key);
    }
    const session = await InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['x1', 'x2', 'x3', 'color', 'region']);
    expect(session.outputNames).toEqual(['label', 'probabilities', 'arm']);
    await session.release();
  });

  it('refuses arms that predict different labels', () => {
    const other = { ...schema, positiveClass: 'no' };
    const c = fitPipeline(takeRows(table, modelRows.slice(0, 500)), { schema: other, model: { kind: 'logistic-regression' } });
    const fitted = fitPairGate(a, b, fit, calibration, { kind: 'knn', k: 5 });
    expect(() => exportGatedPair(a, c, fitted.gate)).toThrow(/A predicts y=yes, B predicts y=no/);
  });
});
