import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { REQUEST_DURATION_BUCKETS, registerDeliveryGauges } from '@ratchet/service-kit';
import type { CircuitState } from './circuit-breaker.js';

/** Prometheus metrics of the router. */
export interface RouterMetrics {
  readonly requests: Counter<'model' | 'policy' | 'code'>;
  readonly latency: Histogram<'model' | 'policy'>;
  readonly memberCalls: Counter<'model' | 'version' | 'role' | 'status'>;
  readonly fallbacks: Counter<'model'>;
  readonly policyUpdates: Counter<'outcome'>;
}

/** Delivery counters of the route log (a BufferedPublisher's). */
export interface RouteLogCounters {
  readonly offered: number;
  readonly queued: number;
  readonly delivered: number;
  readonly dropped: number;
}

/** Registers the router's metrics; breaker states and route-log counters are read at scrape time. */
export function createRouterMetrics(
  registry: Registry,
  sources: { breakers?: () => { key: string; state: CircuitState }[]; routeLog?: () => RouteLogCounters | undefined } = {},
): RouterMetrics {
  const registers = [registry];
  if (sources.breakers) {
    const read = sources.breakers;
    new Gauge({
      name: 'ratchet_router_circuit_open',
      help: 'Members whose circuit breaker is open (1) or half-open (0.5); closed ones are 0',
      labelNames: ['member'],
      registers,
      collect() {
        this.reset();
        for (const b of read()) this.set({ member: b.key }, b.state === 'open' ? 1 : b.state === 'half-open' ? 0.5 : 0);
      },
    });
  }
  if (sources.routeLog) {
    registerDeliveryGauges(
      registry,
      {
        name: 'ratchet_router_log_records',
        help: 'Route records by state: offered, queued (waiting for the broker), delivered, dropped (buffer overflow, never silent)',
      },
      sources.routeLog,
    );
  }
  return {
    requests: new Counter({
      name: 'ratchet_router_requests_total',
      help: 'Routed ModelInfer requests by model, policy kind and gRPC status code',
      labelNames: ['model', 'policy', 'code'],
      registers,
    }),
    latency: new Histogram({
      name: 'ratchet_router_request_duration_seconds',
      help: 'Routed ModelInfer time, from receipt to response (shadow calls excluded)',
      labelNames: ['model', 'policy'],
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    }),
    memberCalls: new Counter({
      name: 'ratchet_router_member_calls_total',
      help: 'Calls to prediction services by member, role and outcome (OK, a gRPC status, INVALID_OUTPUT, CIRCUIT_OPEN)',
      labelNames: ['model', 'version', 'role', 'status'],
      registers,
    }),
    fallbacks: new Counter({
      name: 'ratchet_router_fallbacks_total',
      help: 'Requests answered by a fallback version or a partial ensemble',
      labelNames: ['model'],
      registers,
    }),
    policyUpdates: new Counter({
      name: 'ratchet_router_policy_updates_total',
      help: 'Policy events from ratchet.policies.v1: applied, or ignored as not newer',
      labelNames: ['outcome'],
      registers,
    }),
  };
}
