import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, startServiceHttpServer, type HttpServerHandle } from './http-server.js';
import { createMetricsRegistry } from './metrics.js';

let handle: HttpServerHandle | undefined;

afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

describe('startHttpServer', () => {
  it('binds an ephemeral port on loopback and reports it', async () => {
    handle = await startHttpServer({ port: 0, health: { live: () => true, ready: () => true } });
    expect(handle.port).toBeGreaterThan(0);
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}`);
  });

  it('answers the KServe V2 health paths with 200 when healthy and 503 when not', async () => {
    let ready = false;
    handle = await startHttpServer({ health: { live: () => true, ready: () => ready } });
    const live = await fetch(`${handle.url}/v2/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ live: true });

    const notReady = await fetch(`${handle.url}/v2/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false });

    ready = true;
    expect((await fetch(`${handle.url}/v2/health/ready`)).status).toBe(200);
  });

  it('treats a probe that throws as failing', async () => {
    handle = await startHttpServer({
      health: {
        live: () => {
          throw new Error('wedged');
        },
        ready: () => true,
      },
    });
    expect((await fetch(`${handle.url}/v2/health/live`)).status).toBe(503);
  });

  it('serves the registry in Prometheus text format with the service label', async () => {
    const registry = createMetricsRegistry({ serviceName: 'prediction' });
    const requests = new Counter({ name: 'ratchet_requests_total', help: 'Requests served.', registers: [registry] });
    requests.inc(3);
    handle = await startHttpServer({ registry, health: { live: () => true, ready: () => true } });
    const res = await fetch(`${handle.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('ratchet_requests_total{service="prediction"} 3');
  });

  it('mounts service routes and turns their errors into a 500', async () => {
    handle = await startHttpServer({
      health: { live: () => true, ready: () => true },
      routes: (app) => {
        app.get('/v2/models/:name', (req, res) => {
          res.json({ name: req.params['name'] });
        });
        app.get('/boom', async () => {
          throw new Error('boom');
        });
      },
    });
    expect(await (await fetch(`${handle.url}/v2/models/churn`)).json()).toEqual({ name: 'churn' });
    const failed = await fetch(`${handle.url}/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'internal error' });
  });

  it('closes promptly even with an idle keep-alive connection open', async () => {
    const server = await startHttpServer({ health: { live: () => true, ready: () => true } });
    await (await fetch(`${server.url}/v2/health/live`)).text();
    const closing = server.close(60_000);
    expect(server.close()).toBe(closing);
    await closing;
    expect(server.server.listening).toBe(false);
  });

  it('fails with the address when the port is taken', async () => {
    handle = await startHttpServer({ health: { live: () => true, ready: () => true } });
    await expect(startHttpServer({ port: handle.port, health: { live: () => true, ready: () => true } })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${handle.port}`,
    );
  });

  it('rejects an invalid port before binding', async () => {
    await expect(startHttpServer({ port: 70_000, health: { live: () => true, ready: () => true } })).rejects.toThrow(/port must be an integer/);
  });
});

describe('the service HTTP server', () => {
  it('reports live always and ready as the service says', async () => {
    let ready = false;
    const http = await startServiceHttpServer({ port: 0, ready: () => ready });
    try {
      expect(http).toBeDefined();
      expect((await fetch(`${http?.url}/v2/health/live`)).status).toBe(200);
      expect((await fetch(`${http?.url}/v2/health/ready`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${http?.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await http?.close();
    }
  });

  it('starts nothing when the port is negative', async () => {
    expect(await startServiceHttpServer({ port: -1, ready: () => true })).toBeUndefined();
  });
});
