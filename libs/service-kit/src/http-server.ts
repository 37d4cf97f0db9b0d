import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { silentLogger, type Logger } from './logger.js';

/** Liveness and readiness probes, read on every health request. */
export interface HealthProbes {
  /** False once the process is wedged and should be restarted. */
  live(): boolean;
  /** False while starting, draining or missing a dependency: take me out of load balancing. */
  ready(): boolean;
}

export interface HttpServerOptions {
  /** 0 asks the OS for an ephemeral port; the real one is returned. */
  port?: number;
  host?: string;
  registry?: Registry;
  health: HealthProbes;
  /** Adds the service's own routes, after the built-in ones. */
  routes?: (app: Express) => void;
  logger?: Logger;
}

export interface HttpServerHandle {
  /** The port actually bound. */
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  readonly server: Server;
  /**
   * Stops accepting connections, waits up to `graceMs` for in-flight requests, then drops the
   * remaining connections. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/** Paths follow the KServe V2 (Open Inference Protocol) REST health endpoints. */
export const HEALTH_LIVE_PATH = '/v2/health/live';
export const HEALTH_READY_PATH = '/v2/health/ready';
export const METRICS_PATH = '/metrics';

function probe(check: () => boolean, logger: Logger, name: string): boolean {
  try {
    return check() === true;
  } catch (error) {
    // A probe that throws is a failed probe, not a crashed server.
    logger.warn('health probe threw', { probe: name, error });
    return false;
  }
}

/**
 * Starts the HTTP side of a service on express 5: `GET /v2/health/live` and `/v2/health/ready`
 * (200 with `{"live":true}` / `{"ready":true}`, else 503), `GET /metrics` in Prometheus text
 * format when a registry is given, and the service's own routes.
 */
export async function startHttpServer({
  port = 0,
  host = '127.0.0.1',
  registry,
  health,
  routes,
  logger = silentLogger,
}: HttpServerOptions): Promise<HttpServerHandle> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`startHttpServer: port must be an integer from 0 to 65535, got ${port}`);
  if (typeof health?.live !== 'function' || typeof health.ready !== 'function') {
    throw new TypeError('startHttpServer: health must provide live() and ready() functions');
  }

  const app = express();
  app.disable('x-powered-by');
  app.get(HEALTH_LIVE_PATH, (_req, res) => {
    const live = probe(health.live, logger, 'live');
    res.status(live ? 200 : 503).json({ live });
  });
  app.get(HEALTH_READY_PATH, (_req, res) => {
    const ready = probe(health.ready, logger, 'ready');
    res.status(ready ? 200 : 503).json({ ready });
  });
  if (registry !== undefined) {
    app.get(METRICS_PATH, async (_req, res) => {
      const body = await registry.metrics();
      res.type(registry.contentType).send(body);
    });
  }
  routes?.(app);
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    logger.error('http request failed', { method: req.method, path: req.path, error });
    if (res.headersSent) return next(error);
    res.status(500).json({ error: 'internal error' });
  });

  const server = createServer(app);
  server.listen(port, host);
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
  } catch (error) {
    throw new Error(`startHttpServer: cannot listen on ${host}:${port}: ${(error as Error).message}`, { cause: error });
  }
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  logger.info('http server listening', { host, port: bound });

  let closing: Promise<void> | undefined;
  return {
    port: bound,
    url,
    server,
    close(graceMs = 5_000) {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // Keep-alive sockets with no request in flight would otherwise hold close() for their full timeout.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** Options of {@link startServiceHttpServer}. */
export interface ServiceHttpOptions extends Omit<HttpServerOptions, 'health' | 'port'> {
  /** Negative: the service runs without HTTP. */
  readonly port: number;
  /** Readiness of the service; liveness is "the process answers". */
  readonly ready: () => boolean;
}

/**
 * The HTTP side every Ratchet service has: KServe V2 health paths (live while the process runs,
 * ready as the service says), Prometheus metrics and the service's own routes — or nothing when
 * the configured port is negative.
 */
export async function startServiceHttpServer({ ready, ...options }: ServiceHttpOptions): Promise<HttpServerHandle | undefined> {
  if (options.port < 0) return undefined;
  return startHttpServer({ ...options, health: { live: () => true, ready } });
}
