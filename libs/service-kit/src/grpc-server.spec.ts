import { credentials, status } from '@grpc/grpc-js';
import { HealthClient } from '@ratchet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { ServingStatus, check, healthHarness, reader } from './testing/health-server.js';
import { createHealthService } from './grpc-health.js';
import { createLogger } from './logger.js';
import { grpcService, startGrpcServer } from './grpc-server.js';

const harness = healthHarness();
const startHealthServer = harness.start;
afterEach(() => harness.close());

describe('startGrpcServer', () => {
  it('binds an ephemeral port on loopback and reports it', async () => {
    const { server: s } = await startHealthServer();
    expect(s.port).toBeGreaterThan(0);
  });

  it('logs the bound port and the full names of the services it serves', async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'grpc', stream: { write: (line: string) => lines.push(line) } });
    const { server } = await startHealthServer(undefined, { logger });
    expect(JSON.parse(lines[0] as string)).toMatchObject({ msg: 'grpc server listening', port: server.port, services: ['grpc.health.v1.Health'] });
  });

  it('requires at least one service and a valid port', async () => {
    await expect(startGrpcServer({ services: [] })).rejects.toThrow(/at least one service/);
    const h = createHealthService();
    await expect(startGrpcServer({ port: -1, services: [grpcService(h.definition, h.implementation)] })).rejects.toThrow(/port must be/);
  });

  it('fails with the address when the port is taken', async () => {
    const { server: s } = await startHealthServer();
    const other = createHealthService();
    await expect(startGrpcServer({ port: s.port, services: [grpcService(other.definition, other.implementation)] })).rejects.toThrow(
      `cannot bind 127.0.0.1:${s.port}`,
    );
  });

  it('closes idempotently and then refuses calls', async () => {
    const { server: s, client: c } = await startHealthServer();
    expect((await check(c, '')).status).toBe(ServingStatus.SERVING);
    const closing = s.close(1_000);
    expect(s.close()).toBe(closing);
    await closing;
    await expect(check(c, '')).rejects.toMatchObject({ code: status.UNAVAILABLE });
  });

  it('cancels a call still running when the grace period ends', async () => {
    const h = createHealthService();
    const s = await startGrpcServer({ services: [grpcService(h.definition, h.implementation)] });
    const c = new HealthClient(`127.0.0.1:${s.port}`, credentials.createInsecure());
    try {
      const next = reader(c.watch({ service: '' }));
      expect(await next()).toEqual({ status: ServingStatus.SERVING });
      // The open Watch stream keeps graceful shutdown waiting until the grace period forces it.
      await s.close(50);
      expect(await next()).toBe('end');
    } finally {
      c.close();
    }
  });
});
