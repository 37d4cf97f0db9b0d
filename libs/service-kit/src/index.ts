export {
  ConfigError,
  loadConfig,
  envField,
  port,
  positiveInt,
  nonNegativeInt,
  number,
  durationMs,
  url,
  oneOf,
  commaList,
  boolean,
  text,
  logLevel,
  type ConfigIssue,
  type ConfigSchema,
  type Env,
} from './config.js';
export {
  LOG_LEVELS,
  createLogger,
  isLogLevel,
  serializeError,
  silentLogger,
  type LogFields,
  type LogFormat,
  type LogLevel,
  type LogStream,
  type Logger,
  type LoggerOptions,
} from './logger.js';
export {
  createLifecycle,
  type Lifecycle,
  type LifecycleOptions,
  type SignalHandlerOptions,
  type SignalTarget,
  type StopResult,
  type Stopper,
} from './lifecycle.js';
export { AsyncLocalStorageContextManager } from './async-context-manager.js';
export { FileSpanExporter, type FileSpanExporterOptions } from './file-span-exporter.js';
export { parseSpanRecord, readSpanFile, toSpanRecord, type SpanKindName, type SpanRecord, type SpanStatusName } from './span-record.js';
export { TelemetryError, startTelemetry, type Telemetry, type TelemetryOptions, type TraceExporterOptions } from './telemetry.js';
export {
  currentTraceIds,
  currentTraceparent,
  extractFromCarrier,
  extractFromGrpcMetadata,
  extractFromKafkaHeaders,
  injectIntoCarrier,
  injectIntoGrpcMetadata,
  injectIntoKafkaHeaders,
  type KafkaHeaders,
  type StringCarrier,
} from './trace-context.js';
export { withSpan, type WithSpanOptions } from './with-span.js';
export {
  createMetricsRegistry,
  registerDeliveryGauges,
  REQUEST_DURATION_BUCKETS,
  type DeliveryCounters,
  type MetricsRegistryOptions,
} from './metrics.js';
export {
  HEALTH_LIVE_PATH,
  HEALTH_READY_PATH,
  METRICS_PATH,
  startHttpServer,
  startServiceHttpServer,
  type HealthProbes,
  type HttpServerHandle,
  type HttpServerOptions,
} from './http-server.js';
export {
  grpcService,
  startGrpcServer,
  type GrpcServerHandle,
  type GrpcServerOptions,
  type GrpcServiceRegistration,
} from './grpc-server.js';
export { createHealthService, type HealthServiceHandle, type HealthServiceOptions, type HealthStatus } from './grpc-health.js';
export { grpcError, isRetriableGrpcStatus, type GrpcError } from './grpc-error.js';
export * from './service-config.js';
