// Child process of the router bench: one router on a free port in front of the prediction
// service at BENCH_MEMBERS, policies validated against BENCH_REGISTRY, route records logged
// to an in-memory bus through a BufferedPublisher (as `ratchet serve router` does with Kafka).
// Prints {"grpcPort":N} on stdout when ready and stops on SIGTERM.
import { Registry } from 'prom-client';
import { Topics } from '@ratchet/contracts';
import { BufferedPublisher, createMemoryBus } from '@ratchet/bus';
import { FileRegistry } from '@ratchet/registry';
import { defaultRouterSettings, startRouterService } from '@ratchet/router';
import { createLogger, startTelemetry } from '@ratchet/service-kit';

const telemetry = startTelemetry({ serviceName: 'bench-router', exporter: { kind: 'none' } });
const bus = createMemoryBus();
await bus.ensureTopics([Topics.predictions, Topics.policies]);
const publisher = new BufferedPublisher(bus, { capacity: 1_000_000 });
const router = await startRouterService(
  {
    ...defaultRouterSettings,
    grpcPort: 0,
    httpPort: -1,
    members: { default: (process.env['BENCH_MEMBERS'] ?? '').split(',') },
    channelsPerAddress: Number(process.env['BENCH_CHANNELS'] ?? 4),
  },
  {
    registry: new FileRegistry({ root: process.env['BENCH_REGISTRY'] ?? '' }),
    bus,
    sink: { offer: (r) => void publisher.offer(Topics.predictions, r), get counters() { return publisher.counters; } },
    metrics: new Registry(),
    logger: createLogger({ name: 'bench-router', level: 'warn', stream: process.stderr }),
  },
);
process.stdout.write(`${JSON.stringify({ grpcPort: router.grpcPort })}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await router.stop();
    await publisher.flush({ timeoutMs: 60_000 });
    const counters = publisher.counters;
    await publisher.close();
    await bus.close();
    await telemetry.shutdown();
    process.stderr.write(`  route log: ${JSON.stringify(counters)}\n`);
    process.exit(0);
  })();
});
