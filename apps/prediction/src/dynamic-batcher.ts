import type { ModelVersion, OutputTensor } from './model-version.js';
import type { TensorData } from './tensor-codec.js';

/** Inputs of one request, in signature order. */
export interface BatchInput {
  readonly data: TensorData;
  readonly shape: readonly number[];
}

/** Dynamic batching limits of one model version. */
export interface BatchingOptions {
  /** Off: every request is its own ORT run. */
  readonly enabled: boolean;
  /** Most rows merged into one run. */
  readonly maxBatchRows: number;
  /**
   * How long the first queued request may wait for others. 0 (adaptive): a request runs at
   * once when no run is in progress, and the requests that arrive while one runs are merged
   * into the next, so an idle server adds no latency and a busy one batches.
   */
  readonly maxQueueDelayMs: number;
  /** Called once per ORT run with the rows and requests it served. */
  readonly onRun?: (rows: number, requests: number) => void;
}

interface Job {
  readonly inputs: readonly BatchInput[];
  readonly rows: number;
  /** Requests can merge only when every non-batch dimension agrees. */
  readonly shapeKey: string;
  resolve(outputs: OutputTensor[]): void;
  reject(err: unknown): void;
}

function shapeKey(inputs: readonly BatchInput[]): string {
  return inputs.map((t) => t.shape.slice(1).join('x')).join('|');
}

function concat(parts: readonly TensorData[], total: number): TensorData {
  const first = parts[0] as TensorData;
  if (Array.isArray(first)) {
    const out: string[] = [];
    for (const p of parts) for (const s of p as string[]) out.push(s);
    return out;
  }
  const Ctor = first.constructor as new (n: number) => Exclude<TensorData, string[]>;
  const out = new Ctor(total);
  let off = 0;
  for (const p of parts) {
    (out as Float64Array).set(p as Float64Array, off);
    off += (p as Float64Array).length;
  }
  return out;
}

function sliceRows(t: OutputTensor, start: number, rows: number): OutputTensor {
  const total = t.shape[0] ?? 0;
  const perRow = total === 0 ? 0 : t.data.length / total;
  const from = start * perRow;
  const to = (start + rows) * perRow;
  const data = Array.isArray(t.data) ? t.data.slice(from, to) : (t.data as Float32Array).subarray(from, to);
  return { name: t.name, datatype: t.datatype, shape: [rows, ...t.shape.slice(1)], data };
}

/**
 * Merges concurrent requests for one model version into a single onnxruntime run and splits
 * the outputs back by row ranges. onnxruntime-node executes a run on the main thread, so one
 * run over 64 rows costs far less than 64 runs over one row each.
 */
export class DynamicBatcher {
  private queue: Job[] = [];
  private queuedRows = 0;
  private scheduled = false;
  /** Merged runs started and not finished. */
  private running = 0;

  constructor(
    private readonly version: Pick<ModelVersion, 'run' | 'batchable'>,
    private readonly options: BatchingOptions,
  ) {}

  /** Runs one request, possibly merged with others; resolves with its own rows of every output. */
  submit(inputs: readonly BatchInput[], rows: number): Promise<OutputTensor[]> {
    const o = this.options;
    if (!o.enabled || !this.version.batchable || rows >= o.maxBatchRows || rows === 0) {
      return this.runAlone(inputs);
    }
    return new Promise<OutputTensor[]>((resolve, reject) => {
      this.queue.push({ inputs, rows, shapeKey: shapeKey(inputs), resolve, reject });
      this.queuedRows += rows;
      if (o.maxQueueDelayMs <= 0) {
        // Adaptive: go now if idle or full; otherwise the run in progress flushes on completion.
        if (this.running === 0 || this.queuedRows >= o.maxBatchRows) this.flush();
      } else {
        this.schedule(this.queuedRows >= o.maxBatchRows);
      }
    });
  }

  private async runAlone(inputs: readonly BatchInput[]): Promise<OutputTensor[]> {
    const out = await this.version.run(inputs);
    this.options.onRun?.(inputs[0]?.shape[0] ?? 0, 1);
    return out;
  }

  private schedule(now: boolean): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const fire = () => {
      this.scheduled = false;
      this.flush();
    };
    if (now) setImmediate(fire);
    else setTimeout(fire, this.options.maxQueueDelayMs);
  }

  private flush(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0] as Job;
      const batch: Job[] = [];
      const rest: Job[] = [];
      let rows = 0;
      for (const job of this.queue) {
        if (job.shapeKey === head.shapeKey && rows + job.rows <= this.options.maxBatchRows) {
          batch.push(job);
          rows += job.rows;
        } else {
          rest.push(job);
        }
      }
      this.queue = rest;
      this.queuedRows -= rows;
      void this.runBatch(batch, rows);
    }
  }

  private async runBatch(batch: Job[], rows: number): Promise<void> {
    this.running++;
    try {
      await this.runMerged(batch, rows);
    } finally {
      this.running--;
      if (this.queue.length > 0 && this.options.maxQueueDelayMs <= 0 && this.running === 0) this.flush();
    }
  }

  private async runMerged(batch: Job[], rows: number): Promise<void> {
    if (batch.length === 1) {
      const job = batch[0] as Job;
      try {
        job.resolve(await this.runAlone(job.inputs));
      } catch (err) {
        job.reject(err);
      }
      return;
    }
    const nInputs = (batch[0] as Job).inputs.length;
    const merged: BatchInput[] = [];
    for (let i = 0; i < nInputs; i++) {
      const parts = batch.map((j) => (j.inputs[i] as BatchInput).data);
      const total = parts.reduce((n, p) => n + p.length, 0);
      const head = (batch[0] as Job).inputs[i] as BatchInput;
      merged.push({ data: concat(parts, total), shape: [rows, ...head.shape.slice(1)] });
    }
    let outputs: OutputTensor[];
    try {
      outputs = await this.version.run(merged);
      this.options.onRun?.(rows, batch.length);
    } catch {
      // One request must not fail its neighbours: run each alone so only the culprit errs.
      await Promise.all(
        batch.map(async (job) => {
          try {
            job.resolve(await this.runAlone(job.inputs));
          } catch (err) {
            job.reject(err);
          }
        }),
      );
      return;
    }
    let start = 0;
    for (const job of batch) {
      job.resolve(outputs.map((t) => sliceRows(t, start, job.rows)));
      start += job.rows;
    }
  }
}
