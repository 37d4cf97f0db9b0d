import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Topics } from '@ratchet/contracts';
import { labelsFromCsv } from '@ratchet/monitor';
import { openBus } from '../runtime.js';

interface FeedbackOpts {
  model?: string;
  source: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `ratchet feedback [file.csv]`: send ground-truth labels to `ratchet.feedback.v1`. */
export function registerFeedback(program: Command): void {
  program
    .command('feedback')
    .description('send ground-truth labels (CSV with request_id,label[,row]; a file or stdin) to ratchet.feedback.v1')
    .argument('[file]', 'CSV file; omit or "-" to read stdin')
    .option('--model <model>', 'model name written into the label records')
    .option('--source <source>', 'who supplied the labels', 'ratchet feedback')
    .action(async (file: string | undefined, o: FeedbackOpts) => {
      if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: labels go to the monitor through Kafka (export KAFKA_BROKERS=host:port)');
      const text = !file || file === '-' ? await readStdin() : await readFile(file, 'utf8');
      const records = labelsFromCsv(text, { ...(o.model ? { model: o.model } : {}), source: o.source });
      const bus = await openBus('ratchet-feedback');
      try {
        for (let i = 0; i < records.length; i += 1000) await bus.publishBatch(Topics.feedback, records.slice(i, i + 1000));
        const rows = records.reduce((n, r) => n + r.labels.length, 0);
        process.stdout.write(`sent ${rows} labels in ${records.length} records to ${Topics.feedback.name}\n`);
      } finally {
        await bus.close();
      }
    });
}
