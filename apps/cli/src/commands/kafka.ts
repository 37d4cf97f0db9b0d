import type { Command } from 'commander';
import { kafkaDown, kafkaStatus, kafkaUp } from '@ratchet/kafka-broker';
import { intOption } from '../options.js';

interface KafkaOpts {
  port: number;
  dataDir?: string;
  partitions: number;
}

/** `ratchet kafka up|down|status`: a local single-node Kafka broker (KRaft) from Maven Central jars. */
export function registerKafka(program: Command): void {
  const kafka = program
    .command('kafka')
    .description('run a local single-node Apache Kafka broker (KRaft, jars from Maven Central; needs Java 17 and Maven)');
  const withOptions = (c: Command) =>
    c
      .option('--port <port>', 'broker port (the controller uses port + 1)', intOption, 9092)
      .option('--data-dir <dir>', 'broker data, config, pid and log (default: a folder per port under the temp dir)')
      .option('--partitions <n>', 'default partitions of new topics', intOption, 3);
  const opts = (o: KafkaOpts) => ({ port: o.port, partitions: o.partitions, ...(o.dataDir ? { dataDir: o.dataDir } : {}) });

  withOptions(kafka.command('up').description('fetch the jars if needed, start the broker, wait until it answers')).action(
    async (o: KafkaOpts) => {
      const r = await kafkaUp(opts(o));
      process.stdout.write(
        r.started
          ? `kafka: up on ${r.brokers} (pid ${r.pid}, ${(r.ms / 1000).toFixed(1)} s${r.fetchedJars ? ', jars fetched' : ''}); export KAFKA_BROKERS=${r.brokers}\n`
          : `kafka: already up on ${r.brokers} (pid ${r.pid})\n`,
      );
    },
  );
  withOptions(kafka.command('down').description('stop the broker (SIGTERM, then SIGKILL after a timeout)'))
    .option('--wipe', 'also delete its data folder')
    .action(async (o: KafkaOpts & { wipe?: boolean }) => {
      const r = await kafkaDown({ ...opts(o), ...(o.wipe ? { wipe: true } : {}) });
      process.stdout.write(r.stopped ? `kafka: stopped${r.killed ? ' (killed)' : ''}\n` : 'kafka: was not running\n');
    });
  withOptions(kafka.command('status').description('say whether the broker runs and answers')).action(async (o: KafkaOpts) => {
    const r = await kafkaStatus(opts(o));
    process.stdout.write(
      r.ready
        ? `kafka: up on ${r.brokers} (pid ${r.pid})\n`
        : r.running
          ? `kafka: process ${r.pid} runs but does not answer on ${r.brokers}; log: ${r.logFile}\n`
          : `kafka: down (${r.brokers})\n`,
    );
    if (!r.ready) process.exitCode = 3;
  });
}
