import { readFile } from 'node:fs/promises';
import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

/**
 * One finished span as written by the file exporter: one JSON object per line.
 *
 * Times come twice: as exact nanoseconds since the epoch in decimal strings (a `number` cannot
 * hold them exactly) and as float milliseconds for quick arithmetic and display.
 */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** Absent for a root span. */
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: SpanKindName;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly startTimeMs: number;
  readonly endTimeMs: number;
  readonly durationMs: number;
  readonly attributes: Attributes;
  readonly status: { readonly code: SpanStatusName; readonly message?: string };
  readonly events: readonly { readonly name: string; readonly timeUnixNano: string; readonly attributes: Attributes }[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string; readonly attributes: Attributes }[];
  /** `service.name` of the resource that produced the span. */
  readonly service: string;
  /** The instrumentation scope (tracer name). */
  readonly scope: string;
}

export type SpanKindName = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type SpanStatusName = 'UNSET' | 'OK' | 'ERROR';

const KIND_NAMES: Readonly<Record<SpanKind, SpanKindName>> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

const STATUS_NAMES: Readonly<Record<SpanStatusCode, SpanStatusName>> = {
  [SpanStatusCode.UNSET]: 'UNSET',
  [SpanStatusCode.OK]: 'OK',
  [SpanStatusCode.ERROR]: 'ERROR',
};

function hrTimeToNanoString([seconds, nanos]: HrTime): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}

/** Converts a finished SDK span into the JSON-lines record format. */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  const startTimeMs = hrTimeToMilliseconds(span.startTime);
  const endTimeMs = hrTimeToMilliseconds(span.endTime);
  const parentSpanId = span.parentSpanContext?.spanId;
  return {
    traceId,
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name: span.name,
    kind: KIND_NAMES[span.kind],
    startTimeUnixNano: hrTimeToNanoString(span.startTime),
    endTimeUnixNano: hrTimeToNanoString(span.endTime),
    startTimeMs,
    endTimeMs,
    durationMs: hrTimeToMilliseconds(span.duration),
    attributes: span.attributes,
    status: {
      code: STATUS_NAMES[span.status.code],
      ...(span.status.message === undefined ? {} : { message: span.status.message }),
    },
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: hrTimeToNanoString(event.time),
      attributes: event.attributes ?? {},
    })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: link.attributes ?? {},
    })),
    service: String(span.resource.attributes['service.name'] ?? 'unknown_service'),
    scope: span.instrumentationScope.name,
  };
}

const attributeValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
]);
const attributes = z.record(z.string(), attributeValue);
const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));
const nanos = z.string().regex(/^\d+$/);

const spanRecordSchema = z.object({
  traceId: hex(32),
  spanId: hex(16),
  parentSpanId: hex(16).optional(),
  name: z.string(),
  kind: z.enum(['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  startTimeMs: z.number(),
  endTimeMs: z.number(),
  durationMs: z.number(),
  attributes,
  status: z.object({ code: z.enum(['UNSET', 'OK', 'ERROR']), message: z.string().optional() }),
  events: z.array(z.object({ name: z.string(), timeUnixNano: nanos, attributes })),
  links: z.array(z.object({ traceId: hex(32), spanId: hex(16), attributes })),
  service: z.string(),
  scope: z.string(),
});

/**
 * Parses and validates one line of a span file.
 * @throws {Error} naming what is wrong when the line is not JSON or not a span record.
 */
export function parseSpanRecord(line: string): SpanRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new Error(`span record is not valid JSON: ${(error as Error).message}`);
  }
  const result = spanRecordSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid span record at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown problem'}`);
  }
  return result.data as SpanRecord;
}

/**
 * Reads every span of a JSON-lines span file, skipping blank lines. A line that fails to parse
 * throws with its line number: a torn last line after a crash is reported, not silently dropped.
 */
export async function readSpanFile(path: string): Promise<SpanRecord[]> {
  const text = await readFile(path, 'utf8');
  const records: SpanRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    try {
      records.push(parseSpanRecord(line));
    } catch (error) {
      throw new Error(`${path}:${i + 1}: ${(error as Error).message}`);
    }
  }
  return records;
}
