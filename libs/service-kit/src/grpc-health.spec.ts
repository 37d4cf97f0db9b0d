import { status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ServingStatus, check, healthHarness, reader } from './testing/health-server.js';

const harness = healthHarness();
const startHealthServer = harness.start;
afterEach(() => harness.close());

describe('createHealthService', () => {
  it('answers Check with the status of the server and of named services', async () => {
    const { health: h, client: c } = await startHealthServer({ '': 'SERVING', 'inference.GRPCInferenceService': 'NOT_SERVING' });
    expect(await check(c, '')).toEqual({ status: ServingStatus.SERVING });
    expect(await check(c, 'inference.GRPCInferenceService')).toEqual({ status: ServingStatus.NOT_SERVING });
    h.setStatus('inference.GRPCInferenceService', 'SERVING');
    expect(await check(c, 'inference.GRPCInferenceService')).toEqual({ status: ServingStatus.SERVING });
  });

  it('answers Check for an unknown service with NOT_FOUND', async () => {
    const { client: c } = await startHealthServer();
    await expect(check(c, 'nope')).rejects.toMatchObject({ code: status.NOT_FOUND } satisfies Partial<ServiceError>);
  });

  it('streams the current status on Watch, then each change, skipping repeats', async () => {
    const { health: h, client: c } = await startHealthServer({ '': 'NOT_SERVING' });
    const next = reader(c.watch({ service: '' }));
    expect(await next()).toEqual({ status: ServingStatus.NOT_SERVING });
    h.setStatus('', 'SERVING');
    h.setStatus('', 'SERVING');
    h.setStatus('', 'NOT_SERVING');
    expect(await next()).toEqual({ status: ServingStatus.SERVING });
    expect(await next()).toEqual({ status: ServingStatus.NOT_SERVING });
  });

  it('reports SERVICE_UNKNOWN on Watch until the service registers', async () => {
    const { health: h, client: c } = await startHealthServer();
    const next = reader(c.watch({ service: 'router' }));
    expect(await next()).toEqual({ status: ServingStatus.SERVICE_UNKNOWN });
    h.setStatus('router', 'SERVING');
    expect(await next()).toEqual({ status: ServingStatus.SERVING });
  });

  it('on shutdown tells watchers NOT_SERVING, ends their streams and stays NOT_SERVING', async () => {
    const { health: h, client: c } = await startHealthServer();
    const next = reader(c.watch({ service: '' }));
    expect(await next()).toEqual({ status: ServingStatus.SERVING });
    h.shutdown();
    expect(await next()).toEqual({ status: ServingStatus.NOT_SERVING });
    expect(await next()).toBe('end');
    h.setStatus('', 'SERVING');
    expect(h.getStatus('')).toBe('NOT_SERVING');
  });
});
