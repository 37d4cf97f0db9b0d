import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Express } from 'express';
import type { FileRegistry } from '@ratchet/registry';
import type { Monitor } from '../monitor.js';
import { modelOverview, monitorStatus } from './dashboard-api.js';
import { indexPage, modelPage } from './dashboard-page.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';

/** uPlot's browser build, served from node_modules (no CDN: the dashboard works offline). */
function uplotDist(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('uplot/package.json')), 'dist');
}

/**
 * Adds the dashboard and its JSON API to an express app: `/dashboard` (models),
 * `/dashboard/:model` (charts), `/dashboard/assets/*` (uPlot and the page script),
 * `GET /api/models`, `GET /api/models/:model`, `GET /api/status`, `POST /api/drift/check`.
 */
export function dashboardRoutes(monitor: Monitor, registry?: FileRegistry): (app: Express) => void {
  const dist = uplotDist();
  const assets: Record<string, string> = { 'uPlot.iife.min.js': join(dist, 'uPlot.iife.min.js'), 'uPlot.min.css': join(dist, 'uPlot.min.css') };
  const knownModels = async () => [...new Set([...monitor.models(), ...(registry ? await registry.models().catch(() => []) : [])])].sort();
  return (app) => {
    app.get('/', (_req, res) => res.redirect('/dashboard'));
    app.get('/dashboard', async (_req, res) => {
      res.type('html').send(indexPage(await knownModels()));
    });
    app.get('/dashboard/assets/dashboard.js', (_req, res) => {
      res.type('application/javascript').send(DASHBOARD_SCRIPT);
    });
    app.get('/dashboard/assets/:file', (req, res) => {
      const path = assets[req.params.file];
      if (!path) return void res.status(404).json({ error: `no asset '${req.params.file}'` });
      res.sendFile(path);
    });
    app.get('/dashboard/:model', (req, res) => {
      res.type('html').send(modelPage(req.params.model));
    });
    app.get('/api/models', async (_req, res) => {
      res.json({ models: await knownModels() });
    });
    app.get('/api/models/:model', async (req, res) => {
      res.json(await modelOverview(monitor, req.params.model, registry));
    });
    app.get('/api/status', (_req, res) => {
      res.json(monitorStatus(monitor));
    });
    app.post('/api/drift/check', (_req, res) => {
      const results = monitor.checkDriftNow();
      res.json({ checked: results.map((r) => ({ model: r.model, version: r.version, drifted: r.report.driftedFeatures })) });
    });
  };
}
