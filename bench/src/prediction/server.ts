// Child process of the prediction bench: one prediction service on a free port, configured by
// BENCH_* variables; prints {"grpcPort":N} on stdout when ready and stops on SIGTERM.
import { Registry } from 'prom-client';
import { Topics } from '@ratchet/contracts';
import { BufferedPublisher, type EventBus, createKafkaBus, createMemoryBus } from '@ratchet/bus';
import { defaultPredictionSettings, startPredictionService } from '@ratchet/prediction';
import { FileRegistry } from '@ratchet/registry';
import { createLogger, startTelemetry } from '@ratchet/service-kit';

const registryRoot = process.env['BENCH_REGISTRY'] ?? '';
const batching = process.env['BENCH_BATCHING'] !== 'off';
const log = process.env['BENCH_LOG'] ?? 'off';

// As `ratchet serve` does: a tracer provider and W3C propagation (spans are not exported).
const telemetry = startTelemetry({ serviceName: 'bench-prediction', exporter: { kind: 'none' } });

let bus: EventBus | undefined;
let publisher: BufferedPublisher | undefined;
if (log === 'memory') {
  // No consumer: decoding records is the monitor's cost, not the prediction log's.
  bus = createMemoryBus();
  await bus.ensureTopics([Topics.predictions, Topics.models]);
} else if (log === 'kafka') {
  bus = createKafkaBus({ brokers: process.env['KAFKA_BROKERS'] ?? '', clientId: 'bench-prediction' });
  await bus.ensureTopics([Topics.predictions, Topics.models]);
}
if (bus) publisher = new BufferedPublisher(bus, { capacity: 1_000_000 });
const sink = publisher
  ? { offer: (r: Parameters<BufferedPublisher['offer']>[1]) => void publisher?.offer(Topics.predictions, r), get counters() { return publisher?.counters; } }
  : undefined;

const service = await startPredictionService(
  { ...defaultPredictionSettings, grpcPort: 0, httpPort: -1, batching: { ...defaultPredictionSettings.batching, enabled: batching } },
  {
    registry: new FileRegistry({ root: registryRoot }),
    logger: createLogger({ name: 'bench', level: 'warn', stream: process.stderr }),
    ...(sink ? { sink } : {}),
    metrics: new Registry(),
  },
);
process.stdout.write(`${JSON.stringify({ grpcPort: service.grpcPort })}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await service.stop();
    const flushed = publisher ? await publisher.flush({ timeoutMs: 60_000 }) : true;
    const counters = publisher?.counters;
    await publisher?.close();
    await bus?.close();
    await telemetry.shutdown();
    if (counters) process.stderr.write(`  log ${log}: ${JSON.stringify({ flushed, ...counters })}\n`);
    process.exit(0);
  })();
});
