import {
  Server,
  ServerCredentials,
  type ChannelOptions,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { silentLogger, type Logger } from './logger.js';

/** A service to mount: a generated definition (`HealthService`, `GRPCInferenceServiceService`) and its handlers. */
export interface GrpcServiceRegistration {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

/**
 * Pairs a generated service definition with its implementation, checking at compile time that
 * the implementation has every method the definition declares, with the right handler types.
 */
export function grpcService<I extends UntypedServiceImplementation>(
  definition: ServiceDefinition<I>,
  implementation: I,
): GrpcServiceRegistration {
  return { definition: definition as ServiceDefinition, implementation };
}

export interface GrpcServerOptions {
  host?: string;
  /** 0 asks the OS for an ephemeral port; the real one is returned. */
  port?: number;
  services: readonly GrpcServiceRegistration[];
  /** Largest request accepted, in bytes. gRPC's own default (4 MiB) is small for batched tensors. */
  maxReceiveMessageLength?: number;
  /** Largest response sent, in bytes; -1 for unlimited (gRPC's default). */
  maxSendMessageLength?: number;
  /** Any other grpc-js server option. */
  options?: ChannelOptions;
  logger?: Logger;
}

export interface GrpcServerHandle {
  /** The port actually bound. */
  readonly port: number;
  readonly server: Server;
  /**
   * Stops taking new calls and lets in-flight ones finish for up to `graceMs`, then cancels the
   * rest. Idempotent. End long-lived streams (such as health Watch) first or they use the whole grace.
   */
  close(graceMs?: number): Promise<void>;
}

function formatAddress(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** `grpc.health.v1.Health` from a method path such as `/grpc.health.v1.Health/Check`. */
function serviceName(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  return first?.path.split('/')[1] ?? '(empty service)';
}

/** Starts an insecure (plaintext, for in-cluster and loopback use) gRPC server with the given services. */
export async function startGrpcServer({
  host = '127.0.0.1',
  port = 0,
  services,
  maxReceiveMessageLength = 64 * 1024 * 1024,
  maxSendMessageLength = -1,
  options = {},
  logger = silentLogger,
}: GrpcServerOptions): Promise<GrpcServerHandle> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`startGrpcServer: port must be an integer from 0 to 65535, got ${port}`);
  if (!Array.isArray(services) || services.length === 0) throw new TypeError('startGrpcServer: services must list at least one service');

  const server = new Server({
    ...options,
    'grpc.max_receive_message_length': maxReceiveMessageLength,
    'grpc.max_send_message_length': maxSendMessageLength,
  });
  for (const { definition, implementation } of services) server.addService(definition, implementation);

  const address = formatAddress(host, port);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, actualPort) => {
      if (error) reject(new Error(`startGrpcServer: cannot bind ${address}: ${error.message}`, { cause: error }));
      else resolve(actualPort);
    });
  });
  logger.info('grpc server listening', { host, port: bound, services: services.map((s) => serviceName(s.definition)) });

  let closing: Promise<void> | undefined;
  return {
    port: bound,
    server,
    close(graceMs = 5_000) {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn('grpc graceful shutdown timed out, cancelling remaining calls', { graceMs });
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
