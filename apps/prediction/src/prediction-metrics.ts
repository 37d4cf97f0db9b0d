import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { REQUEST_DURATION_BUCKETS, registerDeliveryGauges } from '@ratchet/service-kit';
import type { SinkCounters } from './prediction-record.js';

/** Prometheus metrics of the prediction service. */
export interface PredictionMetrics {
  readonly requests: Counter<'model' | 'version' | 'code'>;
  readonly errors: Counter<'model' | 'version' | 'code'>;
  readonly latency: Histogram<'model' | 'version'>;
  readonly batchRows: Histogram<'model'>;
  readonly loadFailures: Counter<'model'>;
  readonly loadedVersions: Gauge<'model'>;
}

/** Registers the prediction metrics on a registry; `sink` counters are read at scrape time. */
export function createPredictionMetrics(registry: Registry, sink?: () => SinkCounters | undefined): PredictionMetrics {
  const registers = [registry];
  if (sink) {
    registerDeliveryGauges(
      registry,
      {
        name: 'ratchet_prediction_log_records',
        help: 'Prediction log records by state: offered, queued (waiting for the broker), delivered, dropped (buffer overflow, never silent)',
        failedAttemptsName: 'ratchet_prediction_log_failed_attempts',
      },
      sink,
    );
  }
  return {
    requests: new Counter({
      name: 'ratchet_prediction_requests_total',
      help: 'ModelInfer requests by model, version and gRPC status code',
      labelNames: ['model', 'version', 'code'],
      registers,
    }),
    errors: new Counter({
      name: 'ratchet_prediction_errors_total',
      help: 'ModelInfer requests that failed, by gRPC status code',
      labelNames: ['model', 'version', 'code'],
      registers,
    }),
    latency: new Histogram({
      name: 'ratchet_prediction_request_duration_seconds',
      help: 'ModelInfer handling time, from decode to response',
      labelNames: ['model', 'version'],
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    }),
    batchRows: new Histogram({
      name: 'ratchet_prediction_batch_rows',
      help: 'Rows per onnxruntime run after dynamic batching',
      labelNames: ['model'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    }),
    loadFailures: new Counter({
      name: 'ratchet_prediction_model_load_failures_total',
      help: 'Model versions refused at load time (corrupt, invalid graph, failed smoke inference)',
      labelNames: ['model'],
      registers,
    }),
    loadedVersions: new Gauge({
      name: 'ratchet_prediction_loaded_versions',
      help: 'Model versions currently loaded',
      labelNames: ['model'],
      registers,
    }),
  };
}
