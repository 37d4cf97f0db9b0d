import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { HealthClient, type HealthServer } from '@ratchet/contracts';
import { describe, expect, it } from 'vitest';
import { grpcError, isRetriableGrpcStatus } from './grpc-error.js';
import { createHealthService } from './grpc-health.js';
import { grpcService, startGrpcServer } from './grpc-server.js';

describe('grpcError', () => {
  it('builds a ServiceError-shaped error with code, details and a retriable flag', () => {
    const error = grpcError(status.UNAVAILABLE, 'model "churn" is loading');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('model "churn" is loading');
    expect(error).toMatchObject({ code: status.UNAVAILABLE, details: 'model "churn" is loading', retriable: true });
    expect(error.name).toBe('GrpcError[UNAVAILABLE]');
  });

  it('reaches a real client with its code, message and metadata', async () => {
    const { definition } = createHealthService();
    const failing: HealthServer = {
      check: (call, callback) => {
        const error = grpcError(status.FAILED_PRECONDITION, `model ${JSON.stringify(call.request.service)} has no production version`);
        error.metadata.set('ratchet-model', call.request.service);
        callback(error);
      },
      watch: (call) => call.end(),
    };
    const server = await startGrpcServer({ services: [grpcService(definition, failing)] });
    const client = new HealthClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    try {
      const failure = await new Promise<ServiceError>((resolve, reject) =>
        client.check({ service: 'churn' }, (error) => (error ? resolve(error) : reject(new Error('expected a failure')))),
      );
      expect(failure.code).toBe(status.FAILED_PRECONDITION);
      expect(failure.details).toBe('model "churn" has no production version');
      expect(failure.metadata.get('ratchet-model')).toEqual(['churn']);
    } finally {
      client.close();
      await server.close(1_000);
    }
  });

  it('marks only transient statuses retriable', () => {
    expect(isRetriableGrpcStatus(status.UNAVAILABLE)).toBe(true);
    expect(isRetriableGrpcStatus(status.DEADLINE_EXCEEDED)).toBe(true);
    expect(isRetriableGrpcStatus(status.INVALID_ARGUMENT)).toBe(false);
    expect(isRetriableGrpcStatus(status.INTERNAL)).toBe(false);
  });

  it('rejects an unknown status code', () => {
    expect(() => grpcError(99 as status, 'x')).toThrow(/unknown gRPC status code 99/);
  });
});
