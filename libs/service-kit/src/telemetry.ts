import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type BufferConfig,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from './async-context-manager.js';
import { FileSpanExporter } from './file-span-exporter.js';

/** Where finished spans go. */
export type TraceExporterOptions =
  /** Append JSON lines ({@link SpanRecord}) to a local file, read by `ratchet traces`. */
  | { readonly kind: 'file'; readonly path: string }
  /** Send OTLP/HTTP protobuf-JSON to a collector, e.g. `http://otel-collector:4318/v1/traces`. */
  | { readonly kind: 'otlp'; readonly url: string; readonly headers?: Readonly<Record<string, string>> }
  /** Record nothing, but still create and propagate trace ids so downstream services stay joined. */
  | { readonly kind: 'none' };

export interface TelemetryOptions {
  /** Written as the `service.name` resource attribute on every span. */
  serviceName: string;
  serviceVersion?: string;
  exporter?: TraceExporterOptions;
  /**
   * `batch` (default) exports in the background; `simple` exports each span as it ends, which
   * makes tests deterministic and suits short CLI runs.
   */
  processor?: 'batch' | 'simple';
  /** Tuning for the batch processor (queue size, delay). */
  batch?: BufferConfig;
}

export interface Telemetry {
  /** A tracer named after the service. */
  readonly tracer: Tracer;
  readonly provider: BasicTracerProvider;
  /** Exports every finished span now. */
  forceFlush(): Promise<void>;
  /**
   * Flushes and closes the exporter, then unregisters the global provider, propagator and context
   * manager. Idempotent. Register it last with the lifecycle so it stops after everything that traces.
   */
  shutdown(): Promise<void>;
}

/** Thrown when telemetry cannot start; not retriable (it is a wiring mistake). */
export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';
  readonly retriable = false;
}

let active: Telemetry | undefined;

function createExporter(options: TraceExporterOptions): SpanExporter | undefined {
  switch (options.kind) {
    case 'file':
      return new FileSpanExporter({ path: options.path });
    case 'otlp':
      if (!URL.canParse(options.url) || !['http:', 'https:'].includes(new URL(options.url).protocol)) {
        throw new TelemetryError(`startTelemetry: otlp url must be an absolute http(s) URL, got ${JSON.stringify(options.url)}`);
      }
      return new OTLPTraceExporter({ url: options.url, headers: { ...options.headers } });
    case 'none':
      return undefined;
    default: {
      const unknown: never = options;
      throw new TelemetryError(`startTelemetry: unknown exporter kind ${JSON.stringify((unknown as { kind: unknown }).kind)}`);
    }
  }
}

/**
 * Starts tracing for this process: a tracer provider with the chosen exporter, the W3C
 * trace-context propagator, and an AsyncLocalStorage context manager so `context.with` and
 * active spans follow `await`. Registers all three globally, so start it once, first, in the
 * composition root (`main.ts` or the CLI's `up`), before building the services that trace.
 *
 * @throws {TelemetryError} if telemetry is already started in this process or options are invalid.
 */
export function startTelemetry({
  serviceName,
  serviceVersion,
  exporter = { kind: 'none' },
  processor = 'batch',
  batch,
}: TelemetryOptions): Telemetry {
  if (typeof serviceName !== 'string' || serviceName === '') throw new TelemetryError('startTelemetry: serviceName must be a non-empty string');
  if (active !== undefined) throw new TelemetryError('startTelemetry: telemetry is already started in this process; shut it down first');

  const spanExporter = createExporter(exporter);
  const spanProcessors: SpanProcessor[] =
    spanExporter === undefined
      ? []
      : [processor === 'simple' ? new SimpleSpanProcessor(spanExporter) : new BatchSpanProcessor(spanExporter, batch)];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      ...(serviceVersion === undefined ? {} : { 'service.version': serviceVersion }),
    }),
    spanProcessors,
  });

  const contextManager = new AsyncLocalStorageContextManager().enable();
  const registered = [
    trace.setGlobalTracerProvider(provider),
    context.setGlobalContextManager(contextManager),
    propagation.setGlobalPropagator(new W3CTraceContextPropagator()),
  ];
  if (registered.includes(false)) {
    // Something else (another SDK) owns the globals; undo ours rather than run half-wired.
    trace.disable();
    context.disable();
    propagation.disable();
    contextManager.disable();
    void provider.shutdown();
    throw new TelemetryError('startTelemetry: another OpenTelemetry SDK already registered the global tracer, context or propagator');
  }

  let stopping: Promise<void> | undefined;
  const telemetry: Telemetry = {
    tracer: provider.getTracer(serviceName, serviceVersion),
    provider,
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopping ??= provider.shutdown().finally(() => {
        trace.disable();
        propagation.disable();
        context.disable();
        if (active === telemetry) active = undefined;
      });
      return stopping;
    },
  };
  active = telemetry;
  return telemetry;
}
