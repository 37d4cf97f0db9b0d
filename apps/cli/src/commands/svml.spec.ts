import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCsv } from '../testing/synthetic-csv.js';
import { svmlCommand } from './svml.js';

describe('ratchet svml', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-svml-'));
    await writeFile(join(dir, 'data.csv'), syntheticCsv(1200, 31, 0.05));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const [model, distance] of [['lr', 'coefficient'], ['cart', 'gini']] as const) {
    it(`prints the sequence against greedy and writes the JSON report (${model}, ${distance})`, async () => {
      const out = join(dir, `${model}.json`);
      const lines: string[] = [];
      const { table } = await svmlCommand({
        csv: join(dir, 'data.csv'),
        label: 'y',
        model,
        distance,
        batches: 3,
        candidates: 5,
        alpha: 0.02,
        out,
        workers: 2,
        progress: { isTTY: false, write: (t: string) => lines.push(t) },
      });
      expect(lines.some((l) => l.startsWith('training candidates: 15/15'))).toBe(true);
      expect(table).toMatch(new RegExp(`distance, α = 0.02 on AUC`));
      expect(table.split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(3);
      const written = JSON.parse(await readFile(out, 'utf8')) as Awaited<ReturnType<typeof svmlCommand>>['report'];
      expect(written.distance).toBe(distance);
      expect(written.batches).toHaveLength(3);
      expect(written.sequence.totalDistance).toBeLessThanOrEqual(written.greedy.totalDistance + 1e-12);
      expect(written.frontier.map((p) => p.alpha)).toEqual([0.1, 0.05, 0.02, 0.01]);
    });
  }
});
