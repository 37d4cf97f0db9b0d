import { describe, expect, it } from 'vitest';
import { type Pipeline, type Table, extractLabels, fitPipeline, labelsFromProba, makeSyntheticBinary, takeRows } from '@ratchet/ml';
import { type LabelledTable, pipelineProba } from '@ratchet/pareto';
import { type HeldOutSplits, type ProductionModel, decidePublication } from './publishing-rule.js';

const data = makeSyntheticBinary({ nRows: 6000, seed: 11, shift: 1 });
const y = extractLabels(data.table, data.schema);
const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
const part = (rows: Int32Array): LabelledTable => ({ table: takeRows(data.table, rows), y: Float64Array.from(rows, (r) => y[r] as number) });
const splits: HeldOutSplits = { fit: part(range(3000, 4000)), calibration: part(range(4000, 5000)), test: part(range(5000, 6000)) };
const train = (kind: string, rows: Int32Array, params = {}, seed = 0): Pipeline =>
  fitPipeline(data.table, { schema: data.schema, model: { kind, params }, rows, seed });
const production = (pipeline: Pipeline, plain = true): ProductionModel => ({
  version: '1.0.0',
  proba: async (t: Table) => pipelineProba(pipeline, t, 'production'),
  ...(plain ? { pipeline } : {}),
});

describe('decidePublication', () => {
  it('publishes the candidate alone when its regressions are within the budget', async () => {
    const a = train('logistic-regression', range(0, 1500));
    const b = train('logistic-regression', range(0, 3000));
    const d = await decidePublication(production(a), b, splits, { budget: 0.03, confidence: 0.95, gate: 'meta' });
    expect(d.kind, JSON.stringify(d.safety)).toBe('candidate');
    expect(d.safety.upperBound).toBeLessThanOrEqual(0.03);
  });

  it('publishes a gated pair when the candidate alone regresses but a calibrated gate makes the pair safe and better', async () => {
    const a = train('logistic-regression', range(0, 60));
    const b = train('gbdt', range(0, 3000), { nRounds: 60 });
    const d = await decidePublication(production(a), b, splits, { budget: 0.01, confidence: 0.95, gate: 'meta' });
    expect(d.kind).toBe('gated-pair');
    if (d.kind !== 'gated-pair') return;
    expect(d.safety.satisfied).toBe(false);
    expect(d.gatedSafety.satisfied).toBe(true);
    expect(d.gated.gains).toBeGreaterThan(d.gated.regressions);
    expect(d.routed).toBeGreaterThan(0);
  });

  it('publishes nothing and says why when neither the candidate nor a gate is safe', async () => {
    const a = train('logistic-regression', range(0, 3000));
    // A candidate trained on one narrow, old slice of the data: worse everywhere.
    const b = train('cart', range(0, 40), { maxDepth: 2 });
    const d = await decidePublication(production(a), b, splits, { budget: 0, confidence: 0.95, gate: 'meta' });
    expect(d.kind).toBe('none');
    if (d.kind !== 'none') return;
    expect(d.reason).toMatch(/^the candidate alone regresses: \d+ regressions in 1000 rows/);
    expect(d.safety.satisfied).toBe(false);
  });

  it('publishes nothing, and does not fail, when production and the candidate never disagree on the gate-fit rows', async () => {
    const a = train('logistic-regression', range(0, 3000));
    const b = train('cart', range(0, 40), { maxDepth: 2 });
    const fitRows = range(3000, 4000);
    const la = labelsFromProba(pipelineProba(a, part(fitRows).table, 'a'));
    const lb = labelsFromProba(pipelineProba(b, part(fitRows).table, 'b'));
    const agreeing = Int32Array.from(fitRows.filter((_, i) => la[i] === lb[i]));
    const d = await decidePublication(production(a), b, { ...splits, fit: part(agreeing) }, { budget: 0, confidence: 0.95, gate: 'meta' });
    expect(d.kind).toBe('none');
    if (d.kind === 'none') expect(d.reason).toMatch(new RegExp(`no gate possible: production and the candidate never disagree on the ${agreeing.length} gate-fit rows$`));
  });

  it('publishes nothing when production is not a plain pipeline a gate could pair with', async () => {
    const a = train('logistic-regression', range(0, 60));
    const b = train('gbdt', range(0, 3000), { nRounds: 60 });
    const d = await decidePublication(production(a, false), b, splits, { budget: 0.01, confidence: 0.95, gate: 'meta' });
    expect(d.kind).toBe('none');
    if (d.kind === 'none') expect(d.reason).toMatch(/no gate possible: production 1.0.0 is not a plain Ratchet pipeline/);
  });
});
