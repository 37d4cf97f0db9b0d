import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryBus, createMemoryBus } from '@ratchet/bus';
import { makeSyntheticBinary } from '@ratchet/ml';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import { AlertConfig, type MonitorService, defaultMonitorSettings, referenceProfileFromTable, startMonitorService, syntheticTraffic } from '../src/index.js';
import { until } from '../src/testing/until.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

// The dashboard in a real headless browser (Debian's chromium driven by playwright-core):
// the page loads uPlot from the service, fetches the JSON API and draws its charts.
describe('the monitor dashboard in a headless browser', () => {
  let dir: string;
  let bus: MemoryBus;
  let service: MonitorService;
  let browser: BrowserContext;
  let clock = 1_750_000_000_000;

  beforeAll(async () => {
    try {
      await stat(CHROMIUM);
    } catch {
      throw new Error(`no chromium at ${CHROMIUM}: run scripts/ensure-chromium.sh (or set CHROMIUM_PATH)`);
    }
    dir = await mkdtemp(join(tmpdir(), 'ratchet-dashboard-'));
    const registry = new FileRegistry({ root: join(dir, 'registry') });
    const train = makeSyntheticBinary({ nRows: 3000, seed: 41, missingRate: 0 });
    const manifest = { metrics: { accuracy: 0.8 }, reports: { drift_profile: JSON.stringify(referenceProfileFromTable(train.table, train.schema).toJSON()) } };
    await registry.publish({ model: 'demo', version: '1.0.0', artifact: new Uint8Array([0]), manifest });
    await registry.publish({ model: 'demo', version: '1.1.0', artifact: new Uint8Array([1]), manifest: { ...manifest, parentVersion: '1.0.0' } });
    bus = createMemoryBus();
    service = await startMonitorService(
      { ...defaultMonitorSettings, httpPort: 0, tickMs: 3_600_000, metrics: { ...defaultMonitorSettings.metrics, windowMs: 60_000 }, drift: { windowRows: 400, maxAgeMs: 3_600_000 } },
      {
        bus,
        registry,
        logger: createLogger({ name: 'dashboard-e2e', level: 'silent' }),
        metrics: new Registry(),
        alerts: AlertConfig.parse({ defaults: { performance: { minSamples: 100 }, newData: { rows: 1500 } } }),
        now: () => clock,
      },
    );
    // Six minutes of traffic on two arms; the candidate degrades and the inputs drift later on.
    const m = service.monitor;
    m.onPrediction(syntheticTraffic({ requests: 1, seed: 40, requestIdPrefix: 'warm' }).predictions[0]!);
    m.onPrediction(syntheticTraffic({ requests: 1, seed: 40, requestIdPrefix: 'warm', version: '1.1.0' }).predictions[0]!);
    await until('the drift profiles to load', () => m.drift.ofModel('demo').every((v) => v.hasProfile) && m.drift.ofModel('demo').length === 2);
    for (let minute = 0; minute < 6; minute++) {
      const control = syntheticTraffic({ requests: 300, seed: 100 + minute, arm: 'control', requestIdPrefix: `c${minute}`, shift: minute >= 3 ? 1.5 : 0, startMs: clock });
      const candidate = syntheticTraffic({ requests: 300, seed: 200 + minute, arm: 'candidate', version: '1.1.0', requestIdPrefix: `k${minute}`, flipRate: minute >= 3 ? 0.4 : 0.05, startMs: clock });
      for (const t of [control, candidate]) {
        t.predictions.forEach((p, i) => {
          m.onPrediction({ ...p, route: undefined }); // the member record (drift per version)
          m.onPrediction(p); // the route record (arm)
          m.onLabel(t.labels[i]!);
        });
      }
      clock += 60_000;
      service.tick();
    }
    browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 2400 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await bus?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws every chart with real content and shows the model\'s versions, A/B table, drift and alerts', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${service.url}/dashboard/demo`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.waitForSelector('#chart-accuracy canvas');
    const screenshot = join(dir, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect((await stat(screenshot)).size).toBeGreaterThan(20_000);
    if (process.env['DASHBOARD_SCREENSHOT']) await page.screenshot({ path: process.env['DASHBOARD_SCREENSHOT'], fullPage: true });

    // Painted pixels (alpha > 0) per chart canvas: uPlot's canvas is transparent until it draws.
    // Runs in the page (a string, so the test's TypeScript needs no DOM types).
    const painted = (await page.evaluate(`(() => {
      const out = {};
      for (const host of document.querySelectorAll('[data-rendered="true"]')) {
        const canvas = host.querySelector('canvas');
        const ctx = canvas && canvas.getContext('2d');
        if (!ctx) continue;
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        out[host.id] = n;
      }
      return out;
    })()`)) as Record<string, number>;
    for (const id of ['chart-accuracy', 'chart-rates', 'chart-latency', 'chart-drift-history', 'chart-alerts', 'hist-0', 'hist-3']) {
      expect(painted[id], `painted pixels of #${id}`).toBeGreaterThan(300);
    }
    expect(errors).toEqual([]);
    const text = await page.textContent('main');
    expect(text).toContain('1.1.0');
    expect(text).toContain('candidate');
    expect(text).toContain('DRIFTED');
    expect(text).toContain('PERFORMANCE');
    expect(text).toContain('DATA_DRIFT');

    // The JSON API behind the page.
    const api = (await page.evaluate(`fetch('/api/models/demo').then((r) => r.json())`)) as {
      deployed: { version: string }[];
      series: { key: { arm: string }; history: unknown[] }[];
      comparisons: unknown[];
    };
    expect(api.deployed.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(api.series.find((s) => s.key.arm === 'control')?.history).toHaveLength(6);
    expect(api.comparisons).toHaveLength(1);
    await page.close();
  });
});
