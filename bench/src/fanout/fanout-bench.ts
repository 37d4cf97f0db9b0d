import { randomUUID } from 'node:crypto';
import { type Topic, type TrainingResult, type TrainingTask, Topics, defineTopic } from '@ratchet/contracts';
import { type EventBus, createKafkaBus, createMemoryBus, silentLogger } from '@ratchet/bus';
import { type Column, type Table, createTable, makeAgrawalStream, prefixBatches, temporalOrder } from '@ratchet/ml';
import { BusTrainingExecutor, TaskWorker } from '@ratchet/retrainer';
import { createLogger } from '@ratchet/service-kit';
import { type BatchPool, type TrainingExecutor, TrainingPool, buildCandidatePools } from '@ratchet/training';
import { fmt, formatTable } from '../stats.js';

/** Numeric columns as the batch store keeps them: values of FP32 tensors. */
function asStored(table: Table): Table {
  return createTable(table.columns.map((c): Column => (c.type === 'numeric' ? { ...c, values: Float64Array.from(Float32Array.from(c.values)) } : c)));
}

interface Deployment {
  readonly label: string;
  readonly executor: TrainingExecutor;
  readonly sizes?: { tasks: number[]; results: number[] };
  close(): Promise<void>;
}

function threads(size: number): Deployment {
  const pool = new TrainingPool({ size });
  return { label: `threads (${size})`, executor: pool, close: () => pool.close() };
}

/**
 * The coordinator's executor and `workers` task workers of `threadsEach` training threads, each
 * on its own bus from `open` (separate processes in a deployment), on fresh topics; an observer
 * records the encoded size of every task and result record.
 */
async function overBus(label: string, open: (role: string) => EventBus, workers: number, threadsEach: number): Promise<Deployment> {
  const run = randomUUID().slice(0, 8);
  const topics = {
    tasksTopic: defineTopic(`bench.retrain.tasks.${run}`, Topics.retrainTasks.codec, Topics.retrainTasks.key, { partitions: 12 }),
    resultsTopic: defineTopic(`bench.retrain.results.${run}`, Topics.retrainResults.codec, Topics.retrainResults.key),
  };
  const logger = createLogger({ name: 'fanout-bench', level: 'error' });
  const buses: EventBus[] = [];
  const bus = (role: string) => {
    const b = open(role);
    buses.push(b);
    return b;
  };
  const pools = Array.from({ length: workers }, () => new TrainingPool({ size: threadsEach }));
  const started = await Promise.all(
    pools.map((pool, i) => TaskWorker.start(bus(`worker-${i}`), { groupId: `bench-${run}.tasks`, logger, pool, concurrency: threadsEach, ...topics })),
  );
  const coordinatorBus = bus('coordinator');
  const executor = await BusTrainingExecutor.start(coordinatorBus, { groupId: `bench-${run}.results`, logger, ...topics });
  const sizes = { tasks: [] as number[], results: [] as number[] };
  const observe = async <T>(topic: Topic<T>, into: number[]) =>
    coordinatorBus.subscribe(topic, (m) => void into.push(topic.codec.encode(m).byteLength), { groupId: `bench-${run}.observer.${topic.name}` });
  await observe<TrainingTask>(topics.tasksTopic, sizes.tasks);
  await observe<TrainingResult>(topics.resultsTopic, sizes.results);
  return {
    label: `${label}, ${workers} worker${workers === 1 ? '' : 's'} × ${threadsEach} thread${threadsEach === 1 ? '' : 's'}`,
    executor,
    sizes,
    close: async () => {
      for (const w of started) await w.stop();
      await executor.close();
      await Promise.all(buses.map((b) => b.close({ timeoutMs: 10_000 })));
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}

function kb(values: readonly number[], pick: 'mean' | 'max'): string {
  if (values.length === 0) return '-';
  const v = pick === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
  return fmt(v / 1024, 1);
}

/** Same candidates (validation AUC and log loss of every candidate) as the reference run. */
function samePools(a: readonly BatchPool[], b: readonly BatchPool[]): boolean {
  const key = (p: readonly BatchPool[]) => JSON.stringify(p.map((x) => x.candidates.map((c) => [c.auc, c.logLoss, c.pipeline])));
  return key(a) === key(b);
}

/**
 * Candidate pools of a retraining job (B prefix batches × K candidates, default 10 × 25, on
 * `FANOUT_ROWS` = 7000 Agrawal rows, i.e. the training part of a 10 000-row job) trained on
 * threads (the embedded default), over the in-memory bus (task encoding, compaction and
 * decoding without a network) and, with `KAFKA_BROKERS` set, over Kafka with the coordinator
 * and two workers on separate connections: wall time, ratio to threads, whether every
 * candidate came out identical, and the encoded sizes of task and result records.
 */
export async function fanoutBench(): Promise<{ rows: unknown[]; table: string }> {
  const nRows = Number(process.env['FANOUT_ROWS'] ?? 7000);
  const nBatches = Number(process.env['FANOUT_BATCHES'] ?? 10);
  const k = Number(process.env['FANOUT_K'] ?? 25);
  const stream = makeAgrawalStream({ nRows, seed: 2, concept: 1, driftTo: 2, driftAt: Math.round(nRows / 5), drift: 'abrupt', featureShift: 0.5 });
  const table = asStored(stream.table);
  const { time: _time, ...schema } = stream.schema;
  const batches = prefixBatches(temporalOrder(table, stream.schema.time), nBatches);
  const brokers = process.env['KAFKA_BROKERS'];
  const deployments: (() => Promise<Deployment>)[] = [
    async () => threads(2),
    () => {
      // The memory bus stands for one process: every role shares it.
      const shared = createMemoryBus();
      return overBus('memory bus', () => shared, 1, 2);
    },
    ...(brokers
      ? [() => overBus('Kafka', (role) => createKafkaBus({ brokers, clientId: `fanout-bench-${role}`, fetchMaxWaitMs: 100, logger: silentLogger }), 2, 1)]
      : []),
  ];
  const rows: unknown[] = [];
  const lines: string[][] = [];
  for (const model of ['logistic-regression', 'gbdt']) {
    let reference: { seconds: number; pools: BatchPool[] } | undefined;
    for (const make of deployments) {
      const d = await make();
      process.stderr.write(`fanout: ${model}, ${d.label}…\n`);
      let pools: BatchPool[];
      const t0 = performance.now();
      try {
        pools = await buildCandidatePools(d.executor, { table, schema, batches, model, k, seed: 0, jobId: `bench/${model}` });
      } finally {
        await d.close();
      }
      const seconds = (performance.now() - t0) / 1000;
      reference ??= { seconds, pools };
      const same = samePools(pools, reference.pools);
      const sizes = d.sizes ?? { tasks: [], results: [] };
      rows.push({ model, executor: d.label, batches: nBatches, k, rows: nRows, seconds, same, taskBytes: sizes.tasks, resultBytes: sizes.results });
      lines.push([
        model,
        d.label,
        `${nBatches}×${k}`,
        fmt(seconds, 2),
        reference.seconds === seconds ? 'baseline' : `${fmt(seconds / reference.seconds, 2)}×`,
        same ? 'yes' : 'NO',
        kb(sizes.tasks, 'mean'),
        kb(sizes.tasks, 'max'),
        kb(sizes.results, 'mean'),
        kb(sizes.results, 'max'),
      ]);
    }
  }
  const header = [
    `Agrawal stream, ${nRows} rows (F1 → F2 at a fifth, numeric columns as FP32 values as the batch store keeps them), ${nBatches} prefix batches × ${k} candidates, seed 0`,
    'time = all candidate pools of the job (train + score); tasks/results = encoded record sizes in KiB (mean / max)',
  ].join('\n');
  return {
    rows,
    table: `${header}\n\n${formatTable(['model', 'executor', 'B×K', 'seconds', 'vs threads', 'same candidates', 'task KiB', 'task max', 'result KiB', 'result max'], lines)}`,
  };
}
