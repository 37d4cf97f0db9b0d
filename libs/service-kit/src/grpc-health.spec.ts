import { credentials, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { HealthClient, health } from '@ratchet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthService, type HealthServiceHandle } from './grpc-health.js';
import { grpcService, startGrpcServer, type GrpcServerHandle } from './grpc-server.js';

const { HealthCheckResponse_ServingStatus: ServingStatus } = health;
type CheckResponse = health.HealthCheckResponse;

let server: GrpcServerHandle | undefined;
let client: HealthClient | undefined;
let healthService: HealthServiceHandle | undefined;

afterEach(async () => {
  client?.close();
  healthService?.shutdown();
  await server?.close(1_000);
  client = undefined;
  server = undefined;
  healthService = undefined;
});

async function startHealthServer(initial?: Record<string, 'SERVING' | 'NOT_SERVING'>) {
  healthService = createHealthService(initial ? { initial } : {});
  server = await startGrpcServer({ services: [grpcService(healthService.definition, healthService.implementation)] });
  client = new HealthClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  return { health: healthService, server, client };
}

function check(c: HealthClient, service: string): Promise<CheckResponse> {
  return new Promise((resolve, reject) => c.check({ service }, (error, response) => (error ? reject(error) : resolve(response))));
}

/** Reads a Watch stream message by message, without timers. */
function reader(stream: ClientReadableStream<CheckResponse>) {
  const queue: CheckResponse[] = [];
  const waiting: ((value: CheckResponse | 'end') => void)[] = [];
  let ended = false;
  stream.on('data', (message: CheckResponse) => {
    const next = waiting.shift();
    if (next) next(message);
    else queue.push(message);
  });
  stream.on('end', () => {
    ended = true;
    for (const next of waiting.splice(0)) next('end');
  });
  stream.on('error', () => undefined);
  return (): Promise<CheckResponse | 'end'> => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    if (ended) return Promise.resolve('end');
    return new Promise((resolve) => waiting.push(resolve));
  };
}

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
