import type { Command } from 'commander';
import { FileRegistry } from '@ratchet/registry';
import { loadPredictionConfig, predictionSettings, startPredictionService } from '@ratchet/prediction';
import { createLifecycle, createMetricsRegistry } from '@ratchet/service-kit';
import { bufferedPredictionSink, openBus, processLogger, startTracing } from '../runtime.js';

const SERVICES = ['prediction'] as const;

/** `ratchet serve <service>`: run one service as its own process, configured by environment. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(`run one service in this process, configured by environment variables (${SERVICES.join(', ')})`)
    .argument('<service>', SERVICES.join(' | '))
    .action(async (service: string) => {
      if (service !== 'prediction') {
        throw new Error(`unknown service '${service}' (available: ${SERVICES.join(', ')})`);
      }
      await servePrediction();
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
