import type { FeatureSpec, Table } from '@ratchet/ml';

/** A feature value as the store keeps it: a number, a category, or missing. */
export type FeatureValue = number | string | null;

/** One labelled row. `key` makes appends idempotent (request id + row index for served traffic). */
export interface LabeledRow {
  readonly key: string;
  /** When the label was observed, ms since the epoch; batches are in this order. */
  readonly timeMs: number;
  readonly features: Readonly<Record<string, FeatureValue>>;
  /** 1 = the model's positive class, 0 = any other class. */
  readonly label: number;
}

/** A sealed, immutable batch of one model's rows. */
export interface BatchInfo {
  /** `b000001`, `b000002`, …: increasing with the time the batch was sealed. */
  readonly id: string;
  readonly model: string;
  readonly rows: number;
  readonly firstTimeMs: number;
  readonly lastTimeMs: number;
}

/** What an append did. */
export interface AppendResult {
  readonly appended: number;
  /** Rows whose key the store already held (redelivered records, re-imported files). */
  readonly duplicates: number;
  /** Batches sealed because the open segment reached its row limit. */
  readonly sealed: readonly BatchInfo[];
}

/** How {@link BatchStore.readTable} lays out the table. */
export interface ReadTableOptions {
  /** Name of the label column. Default `label`. */
  readonly labelColumn?: string;
  /**
   * Label value written for label 1. A number (default `'1'`) makes a numeric 0/1 column;
   * anything else a categorical column with this value and `not <value>`.
   */
  readonly positiveClass?: string;
  /** Feature columns and their types; default every feature seen, numeric unless a value is a string. */
  readonly features?: readonly FeatureSpec[];
  /** Adds a numeric column with each row's time under this name. */
  readonly timeColumn?: string;
}

/** Rows of several batches as one table, in batch order and, within a batch, append order. */
export interface BatchTable {
  readonly table: Table;
  readonly batches: readonly { readonly info: BatchInfo; readonly rows: Int32Array }[];
}

/**
 * Durable store of labelled rows per model, cut into sealed batches by row count or age. An
 * interface so an object store can replace the file implementation; sealed batches are
 * immutable and never lost once `seal` resolved.
 */
export interface BatchStore {
  /** Appends rows to the model's open segment, skipping keys already stored. */
  append(model: string, rows: readonly LabeledRow[]): Promise<AppendResult>;
  /** Seals the model's open segment as a batch (durably); undefined when it holds no row. */
  seal(model: string): Promise<BatchInfo | undefined>;
  /** Seals every open segment older than the age limit. */
  sealDue(nowMs?: number): Promise<BatchInfo[]>;
  models(): Promise<string[]>;
  /** Sealed batches of a model, oldest first. */
  listBatches(model: string): Promise<BatchInfo[]>;
  /** Rows in the model's open (unsealed) segment. */
  openRows(model: string): Promise<number>;
  /** The rows of the given sealed batches (in the order given) as one table. */
  readTable(model: string, batchIds: readonly string[], options?: ReadTableOptions): Promise<BatchTable>;
  close(): Promise<void>;
}

/** Error of the batch store, with whether retrying may help. */
export class BatchStoreError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BatchStoreError';
  }
}
