import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useFileTelemetry } from './testing/file-telemetry.js';
import { readSpanFile } from './span-record.js';
import { currentTraceIds } from './trace-context.js';
import { withSpan } from './with-span.js';

const files = useFileTelemetry('service-kit-with-span-');
const startFileTelemetry = files.start;

describe('withSpan', () => {
  it('records a thrown error as an exception event with ERROR status and rethrows it', async () => {
    const { telemetry: t, path } = startFileTelemetry();
    await expect(
      withSpan(t.tracer, 'load', {}, () => {
        throw new Error('model not found: churn@9');
      }),
    ).rejects.toThrow('model not found: churn@9');
    await t.shutdown();
    const [span] = await readSpanFile(path);
    expect(span?.status).toEqual({ code: 'ERROR', message: 'model not found: churn@9' });
    expect(span?.events[0]?.name).toBe('exception');
    expect(span?.events[0]?.attributes['exception.message']).toBe('model not found: churn@9');
  });

  it('keeps the active span across awaits', async () => {
    const { telemetry: t } = startFileTelemetry();
    const ids = await withSpan(t.tracer, 'outer', {}, async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      return { active: currentTraceIds(), own: span.spanContext().spanId };
    });
    expect(ids.active?.spanId).toBe(ids.own);
  });

  it('leaves the status UNSET on success and returns the value of fn', async () => {
    const { telemetry: t, path } = startFileTelemetry();
    const value = await withSpan(t.tracer, 'compute', { n: 2 }, (span) => {
      span.setAttribute('ratchet.rows', 10);
      return 42;
    });
    await t.shutdown();
    expect(value).toBe(42);
    const [span] = await readSpanFile(path);
    expect(span?.status.code).toBe('UNSET');
    expect(span?.attributes).toEqual({ n: 2, 'ratchet.rows': 10 });
  });

  it('keeps a status that fn set itself for a handled failure', async () => {
    const { telemetry: t, path } = startFileTelemetry();
    await withSpan(t.tracer, 'lookup', {}, (span) => span.setStatus({ code: SpanStatusCode.ERROR, message: 'cache miss fallback' }));
    await t.shutdown();
    expect((await readSpanFile(path))[0]?.status).toEqual({ code: 'ERROR', message: 'cache miss fallback' });
  });
});
