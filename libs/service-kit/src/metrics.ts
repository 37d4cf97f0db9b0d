import { Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Added as a `service` label on every metric so one Prometheus job can scrape several services. */
  serviceName: string;
  /** Also collect process metrics (CPU, memory, event-loop lag, GC). */
  defaultMetrics?: boolean;
  /** Prefix for the default process metrics, e.g. `ratchet_`. */
  prefix?: string;
  /** Extra labels put on every metric. */
  labels?: Readonly<Record<string, string>>;
}

/**
 * Creates a prom-client registry owned by one service. Each service gets its own rather than the
 * global `register`, so the embedded mode (all services in one process) keeps their metrics apart
 * and tests never see metrics left over by another test.
 */
export function createMetricsRegistry({ serviceName, defaultMetrics = false, prefix = '', labels = {} }: MetricsRegistryOptions): Registry {
  if (typeof serviceName !== 'string' || serviceName === '') throw new TypeError('createMetricsRegistry: serviceName must be a non-empty string');
  const registry = new Registry();
  registry.setDefaultLabels({ ...labels, service: serviceName });
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix });
  return registry;
}
