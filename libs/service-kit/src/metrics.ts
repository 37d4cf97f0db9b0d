import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

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

/**
 * Histogram buckets (seconds) for request handling times: 100 µs to 1 s, dense where a model
 * server's answers fall, so services' latency histograms line up on one dashboard.
 */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Delivery counters of a buffered publisher (the shape of `BufferedPublisher.counters` in @ratchet/bus). */
export interface DeliveryCounters {
  readonly offered: number;
  readonly queued: number;
  readonly delivered: number;
  /** Given up (buffer overflow, closed): counted, never silent. */
  readonly dropped: number;
  readonly failedAttempts?: number;
}

/**
 * Registers a gauge `<name>{state="offered|queued|delivered|dropped"}` read from `read()` at
 * scrape time, and, with `failedAttemptsName`, a gauge of sends that failed and were retried.
 */
export function registerDeliveryGauges(
  registry: Registry,
  options: { name: string; help: string; failedAttemptsName?: string },
  read: () => DeliveryCounters | undefined,
): void {
  new Gauge({
    name: options.name,
    help: options.help,
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const c = read();
      if (!c) return;
      for (const state of ['offered', 'queued', 'delivered', 'dropped'] as const) this.set({ state }, c[state]);
    },
  });
  if (options.failedAttemptsName) {
    new Gauge({
      name: options.failedAttemptsName,
      help: `Sends counted in ${options.name} that failed and were retried`,
      registers: [registry],
      collect() {
        const c = read();
        if (c?.failedAttempts !== undefined) this.set(c.failedAttempts);
      },
    });
  }
}
