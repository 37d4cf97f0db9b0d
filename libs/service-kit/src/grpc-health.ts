import type { ServerWritableStream } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { HealthService, health, type HealthServer } from '@ratchet/contracts';
import { grpcError } from './grpc-error.js';

type ServingStatus = health.HealthCheckResponse_ServingStatus;
const ServingStatus = health.HealthCheckResponse_ServingStatus;
type WatchCall = ServerWritableStream<health.HealthCheckRequest, health.HealthCheckResponse>;

/** The statuses a service sets; UNKNOWN and SERVICE_UNKNOWN are for the protocol to report. */
export type HealthStatus = 'SERVING' | 'NOT_SERVING';

export interface HealthServiceHandle {
  readonly definition: typeof HealthService;
  readonly implementation: HealthServer;
  /** Sets a service's status (`''` is the whole server) and notifies its watchers if it changed. */
  setStatus(service: string, status: HealthStatus): void;
  /** The status Check would report, or `undefined` for an unregistered service. */
  getStatus(service: string): HealthStatus | undefined;
  /**
   * Marks every service NOT_SERVING, tells the watchers, and ends their streams so the server's
   * graceful shutdown is not held open by them. Call it first when stopping.
   */
  shutdown(): void;
}

export interface HealthServiceOptions {
  /** Initial statuses; by default the whole server (`''`) is SERVING. */
  initial?: Readonly<Record<string, HealthStatus>>;
}

/**
 * Implements `grpc.health.v1.Health` as the gRPC health-checking protocol specifies: Check
 * answers NOT_FOUND for an unknown service; Watch sends the current status at once (SERVICE_UNKNOWN
 * for an unknown service), then each change, until the client cancels.
 */
export function createHealthService({ initial = { '': 'SERVING' } }: HealthServiceOptions = {}): HealthServiceHandle {
  const statuses = new Map<string, HealthStatus>(Object.entries(initial));
  const watchers = new Map<string, Set<WatchCall>>();
  let shutDown = false;

  const wire = (service: string): ServingStatus => {
    const current = statuses.get(service);
    return current === undefined ? ServingStatus.SERVICE_UNKNOWN : ServingStatus[current];
  };

  const setStatus = (service: string, next: HealthStatus) => {
    if (next !== 'SERVING' && next !== 'NOT_SERVING') throw new TypeError(`health: status must be SERVING or NOT_SERVING, got ${String(next)}`);
    // After shutdown nothing may report SERVING again: a late component must not revive a draining server.
    const effective = shutDown ? 'NOT_SERVING' : next;
    if (statuses.get(service) === effective) return;
    statuses.set(service, effective);
    for (const call of watchers.get(service) ?? []) call.write({ status: ServingStatus[effective] });
  };

  const implementation: HealthServer = {
    check(call, callback) {
      const service = call.request.service;
      const current = statuses.get(service);
      if (current === undefined) {
        callback(grpcError(status.NOT_FOUND, `health: unknown service ${JSON.stringify(service)}`));
        return;
      }
      callback(null, { status: ServingStatus[current] });
    },
    watch(call) {
      const service = call.request.service;
      call.write({ status: wire(service) });
      if (shutDown) {
        call.end();
        return;
      }
      let set = watchers.get(service);
      if (set === undefined) watchers.set(service, (set = new Set()));
      set.add(call);
      const forget = () => {
        set.delete(call);
        if (set.size === 0 && watchers.get(service) === set) watchers.delete(service);
      };
      call.on('cancelled', forget);
      call.on('close', forget);
      call.on('error', forget);
    },
  };

  return {
    definition: HealthService,
    implementation,
    setStatus,
    getStatus: (service) => statuses.get(service),
    shutdown() {
      for (const service of statuses.keys()) setStatus(service, 'NOT_SERVING');
      shutDown = true;
      for (const set of watchers.values()) for (const call of set) call.end();
      watchers.clear();
    },
  };
}
