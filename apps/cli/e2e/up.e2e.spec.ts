import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alert, Topics } from '@ratchet/contracts';
import type { EmbeddedLoop, LoopEvent, LoopSummary } from '../src/loop/embedded-loop.js';
import { openHandles, startTestLoop, until } from './loop-helpers.js';

describe('ratchet up: the embedded loop on an Agrawal stream with an abrupt drift', () => {
  let root: string;
  let loop: EmbeddedLoop;
  let summary: LoopSummary;
  let handlesBefore: number;
  const events: LoopEvent[] = [];
  const routed: string[] = [];
  const handled: Alert[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-up-'));
    handlesBefore = openHandles();
    loop = await startTestLoop(root, { rows: 4000, rate: 2000, name: 'up-e2e' });
    await loop.bus.subscribe(Topics.predictions, (r) => void (r.route ? routed.push(r.requestId) : undefined), { groupId: 'e2e-observer', fromBeginning: true });
    loop.onAlert((a) => void handled.push(a));
    summary = await loop.run({ onEvent: (e) => void events.push(e) });
  });

  afterAll(async () => {
    await loop?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('bootstraps version 1.0.0 with a drift profile and routes every row through the router', async () => {
    expect(loop.bootstrap.record.version).toBe('1.0.0');
    expect(loop.bootstrap.record.manifest.reports['drift_profile']).toBeTruthy();
    expect(summary.rowsStreamed).toBe(4000);
    expect(summary.failed).toBe(0);
    await until(() => routed.length >= 4000, 10_000, 'a route record per row');
    expect(new Set(routed).size).toBe(4000);
  });

  it('sends every label late and the monitor joins them into metrics', () => {
    expect(summary.labelsSent).toBe(4000);
    expect(summary.joinedRows).toBe(4000);
    expect(summary.metricsCount).toBeGreaterThan(0);
  });

  it('raises no drift or performance alert before the onset', () => {
    const early = summary.alerts.filter((a) => ['data_drift', 'performance', 'concept_drift'].includes(a.kind) && !(a.sinceOnset && a.sinceOnset.ms >= 0));
    expect(early).toEqual([]);
    expect(events.find((e) => e.kind === 'drift-onset')).toMatchObject({ kind: 'drift-onset', row: 2000 });
  });

  it('raises a data-drift or performance alert after the onset, with a positive measured delay', () => {
    const first = ['data_drift', 'performance'].map((k) => summary.firstAfterOnset[k]).filter((d) => d !== undefined);
    expect(first.length).toBeGreaterThan(0);
    for (const d of first) {
      expect(d.ms).toBeGreaterThan(0);
      expect(d.rows).toBeGreaterThan(0);
    }
  });

  it('hands every alert to the registered handlers (the retrainer’s entry point)', () => {
    expect(handled.length).toBe(summary.alerts.length);
    expect(events.some((e) => e.kind === 'retrain-off')).toBe(false);
  });

  it('releases its ports, sockets and timers when stopped', async () => {
    await loop.stop();
    await until(() => openHandles() <= handlesBefore, 10_000, `open handles back to ${handlesBefore} (now ${openHandles()}: ${process.getActiveResourcesInfo().join(', ')})`);
  });
});
