import type { Command } from 'commander';
import { FileRegistry } from '@ratchet/registry';
import { loadPredictionConfig, predictionSettings, startPredictionService } from '@ratchet/prediction';
import { loadRouterConfig, routerSettings, startRouterService } from '@ratchet/router';
import { AlertConfig, loadMonitorConfig, monitorSettings, startMonitorService } from '@ratchet/monitor';
import { createLifecycle, createMetricsRegistry } from '@ratchet/service-kit';
import { bufferedPredictionSink, openBus, processLogger, startTracing } from '../runtime.js';

const SERVICES = ['prediction', 'router', 'monitor'] as const;

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
      else throw new Error(`unknown service '${service}' (available: ${SERVICES.join(', ')})`);
    });
}

async function servePrediction(): Promise<void> {
  const config = loadPredictionConfig();
  const logger = processLogger('prediction', config.RATCHET_LOG_LEVEL, config.RATCHET_LOG_FORMAT);
  const lifecycle = createLifecycle({ logger, timeoutMs: config.RATCHET_DRAIN_MS + 10_000 });
  const telemetry = startTracing('ratchet-prediction', config.RATCHET_TRACE_FILE, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  lifecycle.add('telemetry', () => telemetry.shutdown());
  const brokers = config.KAFKA_BROKERS?.join(',');
  const bus = brokers ? await openBus('ratchet-prediction', logger, brokers) : undefined;
  if (bus) lifecycle.add('bus', () => bus.close());
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
  const logger = processLogger('router', config.RATCHET_LOG_LEVEL, config.RATCHET_LOG_FORMAT);
  const lifecycle = createLifecycle({ logger, timeoutMs: config.RATCHET_DRAIN_MS + 10_000 });
  const telemetry = startTracing('ratchet-router', config.RATCHET_TRACE_FILE, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  lifecycle.add('telemetry', () => telemetry.shutdown());
  const brokers = config.KAFKA_BROKERS?.join(',');
  // Without a broker, policies set through this router's admin API live in this process only.
  const bus = await openBus('ratchet-router', logger, brokers);
  lifecycle.add('bus', () => bus.close());
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
  const logger = processLogger('monitor', config.RATCHET_LOG_LEVEL, config.RATCHET_LOG_FORMAT);
  // Bad alert rules fail before anything starts, naming the model and field.
  const alerts = AlertConfig.load(config.RATCHET_MONITOR_ALERTS);
  const lifecycle = createLifecycle({ logger, timeoutMs: 30_000 });
  const telemetry = startTracing('ratchet-monitor', config.RATCHET_TRACE_FILE, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  lifecycle.add('telemetry', () => telemetry.shutdown());
  const bus = await openBus('ratchet-monitor', logger, config.KAFKA_BROKERS?.join(','));
  lifecycle.add('bus', () => bus.close());
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
