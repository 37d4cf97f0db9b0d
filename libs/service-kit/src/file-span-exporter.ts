import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { toSpanRecord } from './span-record.js';

export interface FileSpanExporterOptions {
  /** The JSON-lines file to append to; its directory is created if missing. */
  path: string;
}

/**
 * A span exporter that appends one {@link SpanRecord} JSON line per finished span to a file,
 * for the `ratchet traces` command and for tests. Appending keeps spans from several processes
 * and restarts in one file; each export is one write, so lines are not interleaved within a process.
 */
export class FileSpanExporter implements SpanExporter {
  readonly path: string;
  private readonly stream: WriteStream;
  private pending: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed: Promise<void> | undefined;

  constructor({ path }: FileSpanExporterOptions) {
    if (typeof path !== 'string' || path === '') throw new TypeError('FileSpanExporter: path must be a non-empty string');
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: 'a', encoding: 'utf8' });
    // Without a listener an I/O error would crash the process; record it and fail later exports.
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed !== undefined || this.failure !== undefined) {
      const error = this.failure ?? new Error(`FileSpanExporter(${this.path}): export after shutdown`);
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    let text = '';
    for (const span of spans) text += `${JSON.stringify(toSpanRecord(span))}\n`;
    this.pending = new Promise<void>((resolve) => {
      this.stream.write(text, (error) => {
        resultCallback(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS });
        resolve();
      });
    });
  }

  /** Resolves once every span handed to `export` so far has reached the file. */
  forceFlush(): Promise<void> {
    return this.pending;
  }

  /** Flushes and closes the file. Idempotent. */
  shutdown(): Promise<void> {
    this.closed ??= this.pending.then(async () => {
      if (this.stream.destroyed) return;
      this.stream.end();
      // A write error was already recorded and reported through the export callback; shutdown
      // must still settle so the process can exit.
      await finished(this.stream).catch(() => undefined);
    });
    return this.closed;
  }
}
