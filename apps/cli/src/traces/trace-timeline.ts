import { type SpanRecord, parseSpanRecord } from '@ratchet/service-kit';

/** Spans read from span files, and how many lines could not be read (e.g. a torn last line). */
export interface SpanFileContents {
  readonly spans: SpanRecord[];
  readonly skippedLines: number;
}

/** Parses JSON-lines span text, skipping (and counting) lines that are not span records. */
export function parseSpanLines(text: string): SpanFileContents {
  const spans: SpanRecord[] = [];
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      spans.push(parseSpanRecord(line));
    } catch {
      skippedLines++;
    }
  }
  return { spans, skippedLines };
}

/** One trace at a glance. */
export interface TraceSummary {
  readonly traceId: string;
  /** The earliest span without a parent in the files read (the entry point). */
  readonly root: string;
  readonly spans: number;
  readonly services: readonly string[];
  readonly startMs: number;
  readonly durationMs: number;
  readonly errors: number;
}

/** Groups spans by trace, newest first. */
export function summarizeTraces(spans: readonly SpanRecord[]): TraceSummary[] {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const out: TraceSummary[] = [];
  for (const [traceId, list] of byTrace) {
    const ids = new Set(list.map((s) => s.spanId));
    const roots = list.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId)).sort((a, b) => a.startTimeMs - b.startTimeMs);
    const start = Math.min(...list.map((s) => s.startTimeMs));
    const end = Math.max(...list.map((s) => s.endTimeMs));
    out.push({
      traceId,
      root: roots[0] ? `${roots[0].service}: ${roots[0].name}` : '?',
      spans: list.length,
      services: [...new Set(list.map((s) => s.service))].sort(),
      startMs: start,
      durationMs: end - start,
      errors: list.filter((s) => s.status.code === 'ERROR').length,
    });
  }
  return out.sort((a, b) => b.startMs - a.startMs);
}

const ATTRIBUTE_LIMIT = 6;

function attributeText(s: SpanRecord): string {
  const entries = Object.entries(s.attributes).slice(0, ATTRIBUTE_LIMIT);
  if (entries.length === 0) return '';
  return ` [${entries.map(([k, v]) => `${k.replace(/^ratchet\./, '')}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')}]`;
}

/**
 * One trace as an indented timeline: per span its start offset from the trace start, its
 * duration, service and name, a few attributes, error status, and links (e.g. a retraining job
 * linked to the alert that started it). Children are indented under their parent; a span whose
 * parent is not in the files read is shown at the top level and says so.
 */
export function formatTimeline(spans: readonly SpanRecord[], traceId: string): string {
  const list = spans.filter((s) => s.traceId === traceId);
  if (list.length === 0) return `no spans of trace ${traceId}`;
  const ids = new Set(list.map((s) => s.spanId));
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const s of list) {
    if (s.parentSpanId && ids.has(s.parentSpanId)) {
      const c = children.get(s.parentSpanId);
      if (c) c.push(s);
      else children.set(s.parentSpanId, [s]);
    } else roots.push(s);
  }
  const start = Math.min(...list.map((s) => s.startTimeMs));
  const end = Math.max(...list.map((s) => s.endTimeMs));
  const lines = [`trace ${traceId} — ${list.length} spans, ${new Set(list.map((s) => s.service)).size} services, ${(end - start).toFixed(3)} ms`];
  const visit = (s: SpanRecord, depth: number) => {
    const offset = `+${(s.startTimeMs - start).toFixed(3)}`.padStart(11);
    const duration = s.durationMs.toFixed(3).padStart(10);
    const orphan = s.parentSpanId && !ids.has(s.parentSpanId) ? ` (parent ${s.parentSpanId} not in the files read)` : '';
    const status = s.status.code === 'ERROR' ? ` ERROR${s.status.message ? `: ${s.status.message}` : ''}` : '';
    lines.push(`${offset} ms ${duration} ms  ${'  '.repeat(depth)}${s.service}: ${s.name}${attributeText(s)}${status}${orphan}`);
    for (const link of s.links) lines.push(`${' '.repeat(27)}${'  '.repeat(depth)}↳ linked to trace ${link.traceId} span ${link.spanId}`);
    for (const c of (children.get(s.spanId) ?? []).sort((a, b) => a.startTimeMs - b.startTimeMs)) visit(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.startTimeMs - b.startTimeMs)) visit(r, 0);
  return lines.join('\n');
}

/** Finds the one trace whose id starts with `prefix`; throws when none or several match. */
export function resolveTraceId(spans: readonly SpanRecord[], prefix: string): string {
  const ids = [...new Set(spans.map((s) => s.traceId).filter((id) => id.startsWith(prefix.toLowerCase())))];
  if (ids.length === 0) throw new Error(`no trace id starts with '${prefix}'`);
  if (ids.length > 1) throw new Error(`'${prefix}' matches ${ids.length} traces; give more of the id`);
  return ids[0] as string;
}
