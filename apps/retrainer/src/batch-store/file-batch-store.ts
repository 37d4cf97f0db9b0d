import { type FileHandle, mkdir, open, readFile, readdir, rename, truncate } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertModelName } from '@ratchet/registry';
import { fsyncDir } from '../durable-file.js';
import {
  type AppendResult,
  type BatchInfo,
  type BatchStore,
  type BatchTable,
  BatchStoreError,
  type LabeledRow,
  type ReadTableOptions,
} from './batch-store.js';
import { rowsToTable } from './rows-table.js';

/** Options of {@link FileBatchStore}. */
export interface FileBatchStoreOptions {
  /** Root folder; a model's files live in `<root>/<model>/`. Default `./var/batches`. */
  readonly root?: string;
  /** Seal the open segment when it reaches this many rows. Default 1000. */
  readonly batchRows?: number;
  /** `sealDue` seals an open segment whose first row is older than this. Default 1 hour. */
  readonly batchMaxAgeMs?: number;
  /** fsync after every append (survives a machine crash, slower). Default false: a process crash loses nothing, a power loss may lose unsealed rows. */
  readonly syncEveryAppend?: boolean;
  readonly now?: () => number;
}

const OPEN = 'open.jsonl';
const BATCH_RE = /^batch-(\d{6,})\.jsonl$/;

/** One stored line: key, time, features, label. Short names keep the files small. */
interface StoredRow {
  readonly k: string;
  readonly t: number;
  readonly x: Record<string, number | string | null>;
  readonly y: number;
}

interface ModelState {
  readonly dir: string;
  readonly keys: Set<string>;
  readonly batches: BatchInfo[];
  nextSeq: number;
  open: { handle: FileHandle | undefined; rows: number; firstTimeMs: number; lastTimeMs: number; openedAtMs: number };
  /** Serialises every operation on this model. */
  queue: Promise<unknown>;
}

function batchId(seq: number): string {
  return `b${String(seq).padStart(6, '0')}`;
}

function batchFile(seq: number): string {
  return `batch-${String(seq).padStart(6, '0')}.jsonl`;
}

function seqOf(id: string): number {
  const m = /^b(\d+)$/.exec(id);
  if (!m) throw new BatchStoreError(`invalid batch id ${JSON.stringify(id)}`, false);
  return Number(m[1]);
}

/**
 * Parses JSONL rows. With `tolerateTail`, a last line without its newline, or a last line
 * that does not parse (a torn append), is dropped; `validBytes` is where the good part ends.
 */
function parseRows(text: string, where: string, tolerateTail: boolean): { rows: StoredRow[]; validBytes: number } {
  const rows: StoredRow[] = [];
  const complete = text.lastIndexOf('\n') + 1;
  if (complete < text.length && !tolerateTail) throw new BatchStoreError(`${where}: last line has no newline`, false);
  const lines = text.slice(0, complete).split('\n');
  lines.pop();
  let validBytes = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    try {
      if (line.length > 0) rows.push(JSON.parse(line) as StoredRow);
    } catch (err) {
      if (tolerateTail && i === lines.length - 1) break;
      throw new BatchStoreError(`${where}: corrupt line ${i + 1}: ${(err as Error).message}`, false);
    }
    validBytes += Buffer.byteLength(line) + 1;
  }
  return { rows, validBytes };
}

function infoOf(model: string, seq: number, rows: readonly StoredRow[]): BatchInfo {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    if (r.t < first) first = r.t;
    if (r.t > last) last = r.t;
  }
  return { id: batchId(seq), model, rows: rows.length, firstTimeMs: rows.length ? first : 0, lastTimeMs: rows.length ? last : 0 };
}

/**
 * Append-only file implementation of {@link BatchStore}: per model, rows go as JSON lines to
 * `open.jsonl`; sealing fsyncs it and renames it to `batch-NNNNNN.jsonl` (then fsyncs the
 * folder), so a sealed batch appears whole or not at all and is never written again. A crash
 * in the middle of an append can only leave a torn last line in `open.jsonl`, which the next
 * open truncates away. Keys of every stored row are kept in memory to make appends idempotent.
 *
 * JSON lines rather than length-delimited protobuf: rows arrive from two sources (decoded
 * `LabeledExample` tensors and CSV imports) and are stored already flattened to named columns,
 * which is what training reads; a line is its own frame, so recovery is "cut at the last
 * newline", and the files can be inspected and edited with standard tools.
 */
export class FileBatchStore implements BatchStore {
  readonly root: string;
  readonly batchRows: number;
  readonly batchMaxAgeMs: number;
  private readonly syncEveryAppend: boolean;
  private readonly now: () => number;
  private readonly states = new Map<string, Promise<ModelState>>();

  constructor(options: FileBatchStoreOptions = {}) {
    this.root = resolve(options.root ?? './var/batches');
    this.batchRows = options.batchRows ?? 1000;
    this.batchMaxAgeMs = options.batchMaxAgeMs ?? 3_600_000;
    this.syncEveryAppend = options.syncEveryAppend ?? false;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.batchRows) || this.batchRows < 1) throw new RangeError(`FileBatchStore: batchRows must be a positive integer, got ${this.batchRows}`);
  }

  private state(model: string): Promise<ModelState> {
    assertModelName(model);
    let s = this.states.get(model);
    if (s === undefined) {
      s = this.load(model);
      this.states.set(model, s);
      s.catch(() => this.states.delete(model));
    }
    return s;
  }

  /** Runs `fn` after every earlier operation on the model. */
  private async exclusive<T>(model: string, fn: (s: ModelState) => Promise<T>): Promise<T> {
    const s = await this.state(model);
    const run = s.queue.then(() => fn(s));
    s.queue = run.catch(() => undefined);
    return run;
  }

  private async load(model: string): Promise<ModelState> {
    const dir = join(this.root, model);
    await mkdir(dir, { recursive: true });
    const keys = new Set<string>();
    const batches: BatchInfo[] = [];
    const seqs = (await readdir(dir))
      .map((f) => BATCH_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const seq of seqs) {
      const { rows } = parseRows(await readFile(join(dir, batchFile(seq)), 'utf8'), `${model} batch ${batchId(seq)}`, false);
      for (const r of rows) keys.add(r.k);
      batches.push(infoOf(model, seq, rows));
    }
    const openPath = join(dir, OPEN);
    let openRows: StoredRow[] = [];
    let text: string | undefined;
    try {
      text = await readFile(openPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      const parsed = parseRows(text, `${model} open segment`, true);
      // Cut a torn tail so the next append starts on a fresh line.
      if (parsed.validBytes < Buffer.byteLength(text)) await truncate(openPath, parsed.validBytes);
      openRows = parsed.rows;
    }
    for (const r of openRows) keys.add(r.k);
    const info = infoOf(model, 0, openRows);
    // The age of a segment found on disk counts from this start (file times are not reliable).
    const openedAtMs = openRows.length > 0 ? this.now() : 0;
    return {
      dir,
      keys,
      batches,
      nextSeq: (seqs[seqs.length - 1] ?? 0) + 1,
      open: { handle: undefined, rows: openRows.length, firstTimeMs: info.firstTimeMs, lastTimeMs: info.lastTimeMs, openedAtMs },
      queue: Promise.resolve(),
    };
  }

  append(model: string, rows: readonly LabeledRow[]): Promise<AppendResult> {
    return this.exclusive(model, async (s) => {
      let appended = 0;
      let duplicates = 0;
      const sealed: BatchInfo[] = [];
      let lines: string[] = [];
      const flush = async () => {
        if (lines.length === 0) return;
        s.open.handle ??= await open(join(s.dir, OPEN), 'a');
        await s.open.handle.write(lines.join(''));
        if (this.syncEveryAppend) await s.open.handle.sync();
        lines = [];
      };
      for (const row of rows) {
        if (s.keys.has(row.key)) {
          duplicates++;
          continue;
        }
        if (!(row.label === 0 || row.label === 1)) throw new BatchStoreError(`${model}: row ${row.key} has label ${row.label}, expected 0 or 1`, false);
        const stored: StoredRow = { k: row.key, t: row.timeMs, x: { ...row.features }, y: row.label };
        lines.push(`${JSON.stringify(stored)}\n`);
        s.keys.add(row.key);
        appended++;
        if (s.open.rows === 0) {
          s.open.firstTimeMs = row.timeMs;
          s.open.lastTimeMs = row.timeMs;
          s.open.openedAtMs = this.now();
        }
        s.open.rows++;
        s.open.firstTimeMs = Math.min(s.open.firstTimeMs, row.timeMs);
        s.open.lastTimeMs = Math.max(s.open.lastTimeMs, row.timeMs);
        if (s.open.rows >= this.batchRows) {
          await flush();
          const info = await this.sealLocked(model, s);
          if (info) sealed.push(info);
        }
      }
      await flush();
      return { appended, duplicates, sealed };
    });
  }

  private async sealLocked(model: string, s: ModelState): Promise<BatchInfo | undefined> {
    if (s.open.rows === 0) return undefined;
    const openPath = join(s.dir, OPEN);
    const handle = s.open.handle ?? (await open(openPath, 'a'));
    s.open.handle = undefined;
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const seq = s.nextSeq;
    await rename(openPath, join(s.dir, batchFile(seq)));
    await fsyncDir(s.dir);
    s.nextSeq = seq + 1;
    const info: BatchInfo = { id: batchId(seq), model, rows: s.open.rows, firstTimeMs: s.open.firstTimeMs, lastTimeMs: s.open.lastTimeMs };
    s.batches.push(info);
    s.open = { handle: undefined, rows: 0, firstTimeMs: 0, lastTimeMs: 0, openedAtMs: 0 };
    return info;
  }

  seal(model: string): Promise<BatchInfo | undefined> {
    return this.exclusive(model, (s) => this.sealLocked(model, s));
  }

  async sealDue(nowMs = this.now()): Promise<BatchInfo[]> {
    const out: BatchInfo[] = [];
    for (const model of await this.models()) {
      const info = await this.exclusive(model, async (s) =>
        s.open.rows > 0 && nowMs - s.open.openedAtMs >= this.batchMaxAgeMs ? this.sealLocked(model, s) : undefined,
      );
      if (info) out.push(info);
    }
    return out;
  }

  async models(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.filter((n) => !n.startsWith('.')).sort();
  }

  async listBatches(model: string): Promise<BatchInfo[]> {
    return this.exclusive(model, async (s) => [...s.batches]);
  }

  async openRows(model: string): Promise<number> {
    return this.exclusive(model, async (s) => s.open.rows);
  }

  async readTable(model: string, batchIds: readonly string[], options: ReadTableOptions = {}): Promise<BatchTable> {
    const s = await this.state(model);
    const parts: { info: BatchInfo; rows: StoredRow[] }[] = [];
    for (const id of batchIds) {
      const info = s.batches.find((b) => b.id === id);
      if (info === undefined) throw new BatchStoreError(`${model}: no sealed batch ${id}`, false);
      const text = await readFile(join(s.dir, batchFile(seqOf(id))), 'utf8');
      parts.push({ info, rows: parseRows(text, `${model} batch ${id}`, false).rows });
    }
    const all = parts.flatMap((p) => p.rows);
    const table = rowsToTable(
      all.map((r) => ({ key: r.k, timeMs: r.t, features: r.x, label: r.y })),
      options,
    );
    let offset = 0;
    const batches = parts.map((p) => {
      const rows = Int32Array.from({ length: p.rows.length }, (_, i) => offset + i);
      offset += p.rows.length;
      return { info: p.info, rows };
    });
    return { table, batches };
  }

  async close(): Promise<void> {
    for (const [model, p] of this.states) {
      const s = await p.catch(() => undefined);
      if (s === undefined) continue;
      await this.exclusive(model, async (st) => {
        await st.open.handle?.close();
        st.open.handle = undefined;
      });
    }
  }
}
