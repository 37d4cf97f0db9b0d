import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { FileRegistry } from '@ratchet/registry';
import { loadPredictionConfig, predictionSettings, startPredictionService } from '@ratchet/prediction';
import { loadRouterConfig, routerSettings, startRouterService } from '@ratchet/router';
import { AlertConfig, loadMonitorConfig, monitorSettings, startMonitorService } from '@ratchet/monitor';
import {
  FileBatchStore,
  loadRetrainerConfig,
  retrainerSettings,
  startRetrainerService,
  startRetrainerWorker,
  startTrainingFanout,
  trainingFanoutSettings,
} from '@ratchet/retrainer';
import { TrainingPool } from '@ratchet/training';
import type { EventBus } from '@ratchet/bus';
import { type LogFormat, type LogLevel, createLifecycle, createMetricsRegistry } from '@ratchet/service-kit';
import { bufferedPredictionSink, openBus, processLogger, startTracing } from '../runtime.js';

const SERVICES = ['prediction', 'router', 'monitor', 'retrainer'] as const;

/** `ratchet serve <service>`: run one service as its own process, configured by environment. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(`run one service in this process, configured by environment variables (${SERVICES.join(', ')})`)
    .argument('<service>', SERVICES.join(' | '))
    .action(async (service: string) => {
      if (service === 'prediction') await servePrediction();
      else if (service === 'router') await serveRouter();
      else if (service === 'monitor') await serveMonitor();
      else if (service === 'retrainer') await serveRetrainer();
      else throw new Error(`unknown service '${service}' (available: ${SERVICES.join(', ')})`);
    });
}

/** The env fields every service shares (`commonServiceConfig` in service-kit). */
interface ProcessConfig {
  readonly RATCHET_LOG_LEVEL: LogLevel;
  readonly RATCHET_LOG_FORMAT: LogFormat;
  readonly RATCHET_TRACE_FILE: string;
  readonly OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  readonly KAFKA_BROKERS?: readonly string[] | undefined;
  readonly RATCHET_TOPIC_PREFIX: string;
}

/**
 * What every service process starts with, in this order: its logger, a lifecycle that owns
 * shutdown, tracing (stopped last), and — on request — the event bus (closed after the service).
 */
function serviceProcess(name: string, config: ProcessConfig, timeoutMs: number) {
  const logger = processLogger(name, config.RATCHET_LOG_LEVEL, config.RATCHET_LOG_FORMAT);
  const lifecycle = createLifecycle({ logger, timeoutMs });
  const telemetry = startTracing(`ratchet-${name}`, config.RATCHET_TRACE_FILE, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  lifecycle.add('telemetry', () => telemetry.shutdown());
  const brokers = config.KAFKA_BROKERS?.join(',');
  return {
    logger,
    lifecycle,
    brokers,
    /** Kafka when KAFKA_BROKERS is set (under RATCHET_TOPIC_PREFIX), else the in-memory bus. */
    async bus(): Promise<EventBus> {
      const bus = await openBus(`ratchet-${name}`, { logger, brokers: brokers ?? '', topicPrefix: config.RATCHET_TOPIC_PREFIX });
      if (brokers) logger.info('kafka bus open', { brokers, topicPrefix: config.RATCHET_TOPIC_PREFIX });
      lifecycle.add('bus', () => bus.close());
      return bus;
    },
  };
}

async function servePrediction(): Promise<void> {
  const config = loadPredictionConfig();
  const { logger, lifecycle, brokers, bus: openProcessBus } = serviceProcess('prediction', config, config.RATCHET_DRAIN_MS + 10_000);
  const bus = brokers ? await openProcessBus() : undefined;
  const sink = bus ? bufferedPredictionSink(bus, config.RATCHET_LOG_BUFFER, logger) : undefined;
  if (sink) lifecycle.add('prediction-log', () => sink.publisher.close());
  const settings = predictionSettings(config);
  const service = await startPredictionService(
    // Without a broker there are no announcements: watch the registry instead.
    bus || settings.registryPollMs > 0 ? settings : { ...settings, registryPollMs: 2000 },
    {
      registry: new FileRegistry({ root: config.RATCHET_REGISTRY }),
      logger,
      ...(bus ? { bus } : {}),
      ...(sink ? { sink } : {}),
      metrics: createMetricsRegistry({ serviceName: 'prediction' }),
    },
  );
  lifecycle.add('prediction', () => service.stop());
  lifecycle.installSignalHandlers();
  if (!bus) logger.warn('KAFKA_BROKERS is not set: predictions are not logged and new versions are found by polling the registry');
}

async function serveRouter(): Promise<void> {
  const config = loadRouterConfig();
  const p = serviceProcess('router', config, config.RATCHET_DRAIN_MS + 10_000);
  const { logger, lifecycle, brokers } = p;
  // Without a broker, policies set through this router's admin API live in this process only.
  const bus = await p.bus();
  const sink = brokers ? bufferedPredictionSink(bus, config.RATCHET_LOG_BUFFER, logger) : undefined;
  if (sink) lifecycle.add('route-log', () => sink.publisher.close());
  const router = await startRouterService(routerSettings(config), {
    registry: new FileRegistry({ root: config.RATCHET_REGISTRY }),
    bus,
    ...(sink ? { sink } : {}),
    metrics: createMetricsRegistry({ serviceName: 'router' }),
    logger,
  });
  lifecycle.add('router', () => router.stop());
  lifecycle.installSignalHandlers();
  if (!brokers) logger.warn('KAFKA_BROKERS is not set: policies are kept in this process only and routes are not logged');
}

async function serveMonitor(): Promise<void> {
  const config = loadMonitorConfig();
  // Bad alert rules fail before anything starts, naming the model and field.
  const alerts = AlertConfig.load(config.RATCHET_MONITOR_ALERTS);
  const p = serviceProcess('monitor', config, 30_000);
  const { logger, lifecycle } = p;
  const bus = await p.bus();
  const service = await startMonitorService(monitorSettings(config), {
    bus,
    registry: new FileRegistry({ root: config.RATCHET_REGISTRY }),
    logger,
    metrics: createMetricsRegistry({ serviceName: 'monitor' }),
    alerts,
  });
  lifecycle.add('monitor', () => service.stop());
  lifecycle.installSignalHandlers();
  if (bus.kind === 'memory') logger.warn('KAFKA_BROKERS is not set: the monitor only sees records published in this process');
  if (service.url) logger.info('dashboard', { url: `${service.url}/dashboard` });
}

/**
 * `RATCHET_RETRAINER_ROLE=coordinator` (default): batch store, jobs and rollouts, training on
 * threads or — `RATCHET_TRAINING_FANOUT=bus` — as tasks shared with every retrainer process;
 * `worker`: trains tasks only.
 */
async function serveRetrainer(): Promise<void> {
  const config = loadRetrainerConfig();
  const threads = config.RATCHET_TRAINING_WORKERS > 0 ? config.RATCHET_TRAINING_WORKERS : availableParallelism();
  const fanout = trainingFanoutSettings(config, threads);
  const p = serviceProcess('retrainer', config, 60_000);
  const { logger, lifecycle } = p;
  const pool = new TrainingPool({ size: threads });
  lifecycle.add('training-pool', () => pool.close());
  const bus = await p.bus();
  const metrics = createMetricsRegistry({ serviceName: 'retrainer' });
  if (fanout.role === 'worker') {
    const worker = await startRetrainerWorker({ ...fanout, httpHost: config.RATCHET_HTTP_HOST, httpPort: config.RATCHET_HTTP_PORT }, { bus, pool, logger, metrics });
    lifecycle.add('retrainer-worker', () => worker.stop());
    lifecycle.installSignalHandlers();
    return;
  }
  const training = await startTrainingFanout(fanout, { bus, pool, logger, metrics });
  lifecycle.add('training-fanout', () => training.stop());
  const service = await startRetrainerService(retrainerSettings(config), {
    bus,
    registry: new FileRegistry({ root: config.RATCHET_REGISTRY }),
    store: new FileBatchStore({ root: config.RATCHET_BATCHES, batchRows: config.RATCHET_BATCH_ROWS, batchMaxAgeMs: config.RATCHET_BATCH_MAX_AGE_MS }),
    pool: training.executor,
    logger,
    metrics,
  });
  lifecycle.add('retrainer', () => service.stop());
  logger.info('retrainer training', { fanout: fanout.fanout, threads });
  lifecycle.installSignalHandlers();
  if (bus.kind === 'memory') logger.warn('KAFKA_BROKERS is not set: the retrainer only sees records published in this process');
}
