import { credentials, type ClientReadableStream } from '@grpc/grpc-js';
import { HealthClient, health } from '@ratchet/contracts';
import { createHealthService, type HealthServiceHandle } from '../grpc-health.js';
import { grpcService, startGrpcServer, type GrpcServerHandle } from '../grpc-server.js';
import type { Logger } from '../logger.js';

export const { HealthCheckResponse_ServingStatus: ServingStatus } = health;
export type CheckResponse = health.HealthCheckResponse;

/**
 * A grpc.health.v1 server on loopback with a client, for specs: `start` one per test, `close`
 * in `afterEach`.
 */
export function healthHarness() {
  let server: GrpcServerHandle | undefined;
  let client: HealthClient | undefined;
  let healthService: HealthServiceHandle | undefined;
  return {
    async start(initial?: Record<string, 'SERVING' | 'NOT_SERVING'>, options: { logger?: Logger } = {}) {
      healthService = createHealthService(initial ? { initial } : {});
      server = await startGrpcServer({ services: [grpcService(healthService.definition, healthService.implementation)], ...options });
      client = new HealthClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
      return { health: healthService, server, client };
    },
    async close() {
      client?.close();
      healthService?.shutdown();
      await server?.close(1_000);
      client = undefined;
      server = undefined;
      healthService = undefined;
    },
  };
}

/** One Check call. */
export function check(c: HealthClient, service: string): Promise<CheckResponse> {
  return new Promise((resolve, reject) => c.check({ service }, (error, response) => (error ? reject(error) : resolve(response))));
}

/** Reads a Watch stream message by message, without timers. */
export function reader(stream: ClientReadableStream<CheckResponse>) {
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
