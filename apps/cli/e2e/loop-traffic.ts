import { randomUUID } from 'node:crypto';
import { type LabelObserved, Topics } from '@ratchet/contracts';
import type { EventBus } from '@ratchet/bus';
import { InferenceClient } from '@ratchet/inference-client';
import type { Schema, Table } from '@ratchet/ml';
import { LabelDelayQueue } from '../src/loop/label-delay-queue.js';
import { requestColumns } from '../src/loop/stream-source.js';

/** Rows the traffic draws from, in order, with their ground truth. */
export interface Segment {
  readonly name: string;
  readonly table: Table;
  readonly labels: Float64Array;
}

/** Options of {@link LoopTraffic}. */
export interface LoopTrafficOptions {
  readonly model: string;
  readonly schema: Schema;
  /** Router gRPC address. */
  readonly router: string;
  /** Where the labels go (`ratchet.feedback.v1`). */
  readonly bus: EventBus;
  readonly labelDelayRows: number;
  readonly seed: number;
  /** Rows per second over all clients. */
  readonly rate: number;
  readonly clients: number;
}

/**
 * Client traffic of a multi-process e2e: single-row requests through the router, paced, each
 * row's label sent to Kafka after a delay counted in rows (shuffled, as in `ratchet up`). The
 * rows come from the current {@link Segment}; {@link switchTo} changes the world mid-stream
 * (a drift, noisy labels, the old concept back).
 */
export class LoopTraffic {
  rowsSent = 0;
  failed = 0;
  labelsSent = 0;
  /** Each switch: the segment, the row count and the time when it began. */
  readonly switches: { readonly name: string; readonly row: number; readonly atMs: number }[] = [];
  private segment: Segment;
  private cursor = 0;
  private planned: { row: number; segment: Segment }[] = [];
  private readonly runId = randomUUID().slice(0, 8);

  constructor(
    private readonly o: LoopTrafficOptions,
    first: Segment,
  ) {
    this.segment = first;
  }

  /** From the next row on, rows come from `segment` (from its start). */
  switchTo(segment: Segment): void {
    this.segment = segment;
    this.cursor = 0;
    this.switches.push({ name: segment.name, row: this.rowsSent, atMs: Date.now() });
  }

  /** Switches to `segment` when the stream reaches request `row`. */
  scheduleSwitch(row: number, segment: Segment): void {
    this.planned = [...this.planned, { row, segment }].sort((a, b) => a.row - b.row);
  }

  /** Streams until `stop` aborts or `maxRows` rows were sent, then sends every label still held back. */
  async run(stop: AbortSignal, maxRows: number): Promise<void> {
    const { model, schema, rate, clients } = this.o;
    const client = new InferenceClient(this.o.router, { deadlineMs: 10_000 });
    const queue = new LabelDelayQueue<LabelObserved>({ delayRows: this.o.labelDelayRows, seed: this.o.seed });
    let publishing: Promise<unknown> = Promise.resolve();
    const publish = (labels: LabelObserved[]) => {
      if (labels.length === 0) return;
      this.labelsSent += labels.length;
      const stamped = labels.map((l) => ({ ...l, timestampMs: Date.now() }));
      publishing = publishing.then(() => this.o.bus.publishBatch(Topics.feedback, stamped));
    };
    const t0 = Date.now();
    let next = 0;
    const worker = async () => {
      while (!stop.aborted) {
        const i = next++;
        if (i >= maxRows) return;
        const wait = t0 + (i * 1000) / rate - Date.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        if (stop.aborted) return;
        while (this.planned[0] && i >= this.planned[0].row) this.switchTo((this.planned.shift() as { segment: Segment }).segment);
        const seg = this.segment;
        const row = this.cursor++ % seg.table.nRows;
        const requestId = `${model}-${this.runId}-${i}`;
        try {
          await client.infer({ model, id: requestId, inputs: requestColumns(seg.table, schema, row, row + 1) });
          queue.add({ requestId, model, rowOffset: 0, labels: [seg.labels[row] as number], timestampMs: 0, source: 'e2e' }, i);
        } catch {
          this.failed++;
        }
        this.rowsSent++;
        publish(queue.release(i));
      }
    };
    try {
      await Promise.all(Array.from({ length: clients }, worker));
      publish(queue.drain());
      await publishing;
    } finally {
      client.close();
    }
  }
}
