import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSpanExporter } from './file-span-exporter.js';
import { parseSpanRecord } from './span-record.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-span-exporter-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Finished spans from a private provider, so these tests need no global registration. */
function finishedSpans(names: string[]): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    spanProcessors: [{ onStart: () => undefined, onEnd: (span) => spans.push(span), forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() }],
  });
  const tracer = provider.getTracer('test');
  for (const name of names) tracer.startSpan(name).end();
  return spans;
}

function exportSpans(exporter: FileSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('FileSpanExporter', () => {
  it('creates missing directories and writes one parseable line per span', async () => {
    const path = join(dir, 'nested', 'deeper', 'spans.jsonl');
    const exporter = new FileSpanExporter({ path });
    expect((await exportSpans(exporter, finishedSpans(['a', 'b']))).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => parseSpanRecord(line).name)).toEqual(['a', 'b']);
  });

  it('has every exported span on disk after forceFlush, before shutdown', async () => {
    const path = join(dir, 'spans.jsonl');
    const exporter = new FileSpanExporter({ path });
    exporter.export(finishedSpans(['x']), () => undefined);
    await exporter.forceFlush();
    expect(await readFile(path, 'utf8')).toContain('"name":"x"');
    await exporter.shutdown();
  });

  it('fails exports after shutdown instead of throwing', async () => {
    const exporter = new FileSpanExporter({ path: join(dir, 'spans.jsonl') });
    const first = exporter.shutdown();
    expect(exporter.shutdown()).toBe(first);
    await first;
    const result = await exportSpans(exporter, finishedSpans(['late']));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/export after shutdown/);
  });

  it('works behind a SimpleSpanProcessor', async () => {
    const path = join(dir, 'spans.jsonl');
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new FileSpanExporter({ path }))] });
    provider.getTracer('t').startSpan('simple').end();
    await provider.shutdown();
    expect(parseSpanRecord((await readFile(path, 'utf8')).trimEnd()).name).toBe('simple');
  });

  it('rejects an empty path', () => {
    expect(() => new FileSpanExporter({ path: '' })).toThrow(/path must be a non-empty string/);
  });
});
