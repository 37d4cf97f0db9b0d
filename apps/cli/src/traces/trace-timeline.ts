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
  /** The earliest span without a parent in the files read (the entry point), as `who: name`. */
  readonly root: string;
  readonly spans: number;
  /** Services of the spans; the components (tracer scopes) when one process wrote them all (`ratchet up`). */
  readonly services: readonly string[];
  readonly startMs: number;
  readonly durationMs: number;
  readonly errors: number;
  /** Traces this trace's spans link to (a retraining job → the alert that started it). */
  readonly linksTo: readonly string[];
  /** Traces whose spans link to this one (an alert → the jobs it started). */
  readonly linkedFrom: readonly string[];
}

/**
 * Names a span's origin: its service, or — for a service whose spans in the files come from
 * several tracers, as in `ratchet up` where one process runs them all — its component (the
 * tracer scope without the `ratchet.` prefix: router, prediction, monitor, retrainer, registry).
 */
function originNamer(spans: readonly SpanRecord[]): (s: SpanRecord) => string {
  const scopes = new Map<string, Set<string>>();
  for (const s of spans) {
    let set = scopes.get(s.service);
    if (!set) scopes.set(s.service, (set = new Set()));
    set.add(s.scope);
  }
  return (s) => ((scopes.get(s.service)?.size ?? 0) > 1 ? s.scope.replace(/^ratchet\./, '') : s.service);
}

function groupByTrace(spans: readonly SpanRecord[]): Map<string, SpanRecord[]> {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  return byTrace;
}

/** Trace ids whose spans link to each trace id. */
function linkIndex(spans: readonly SpanRecord[]): Map<string, Set<string>> {
  const from = new Map<string, Set<string>>();
  for (const s of spans) {
    for (const l of s.links) {
      if (l.traceId === s.traceId) continue;
      let set = from.get(l.traceId);
      if (!set) from.set(l.traceId, (set = new Set()));
      set.add(s.traceId);
    }
  }
  return from;
}

/** Groups spans by trace, newest first. Links count only to traces in the files read (the ones to follow). */
export function summarizeTraces(spans: readonly SpanRecord[]): TraceSummary[] {
  const linkedFrom = linkIndex(spans);
  const origin = originNamer(spans);
  const traces = groupByTrace(spans);
  const out: TraceSummary[] = [];
  for (const [traceId, list] of traces) {
    const ids = new Set(list.map((s) => s.spanId));
    const roots = list.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId)).sort((a, b) => a.startTimeMs - b.startTimeMs);
    const start = Math.min(...list.map((s) => s.startTimeMs));
    const end = Math.max(...list.map((s) => s.endTimeMs));
    out.push({
      traceId,
      root: roots[0] ? `${origin(roots[0])}: ${roots[0].name}` : '?',
      spans: list.length,
      services: [...new Set(list.map(origin))].sort(),
      startMs: start,
      durationMs: end - start,
      errors: list.filter((s) => s.status.code === 'ERROR').length,
      linksTo: [...new Set(list.flatMap((s) => s.links.map((l) => l.traceId)).filter((t) => t !== traceId && traces.has(t)))],
      linkedFrom: [...(linkedFrom.get(traceId) ?? [])],
    });
  }
  return out.sort((a, b) => b.startMs - a.startMs);
}

/** Characters of a trace id shown in a listing; `--id` takes any unique prefix. */
const SHORT_ID = 12;

/** One line per trace for `ratchet traces`: id, start, duration, spans, errors, entry point, services, links. */
export function formatSummary(t: TraceSummary): string {
  const links = [
    ...(t.linksTo.length > 0 ? [`→ linked to ${t.linksTo.map((id) => id.slice(0, SHORT_ID)).join(', ')}`] : []),
    ...(t.linkedFrom.length > 0 ? [`← linked from ${t.linkedFrom.map((id) => id.slice(0, SHORT_ID)).join(', ')}`] : []),
  ];
  return (
    `${t.traceId}  ${new Date(t.startMs).toISOString()}  ${t.durationMs.toFixed(3).padStart(10)} ms  ${String(t.spans).padStart(3)} spans` +
    `${t.errors ? `  ${t.errors} error(s)` : ''}  ${t.root}  (${t.services.join(', ')})${links.length > 0 ? `  ${links.join('  ')}` : ''}`
  );
}

const ATTRIBUTE_LIMIT = 10;
const VALUE_LIMIT = 60;

function attributeText(s: SpanRecord): string {
  const entries = Object.entries(s.attributes)
    .filter(([, v]) => v !== '')
    .slice(0, ATTRIBUTE_LIMIT);
  if (entries.length === 0) return '';
  const value = (v: unknown) => {
    const text = Array.isArray(v) ? v.join(',') : String(v);
    return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
  };
  return ` [${entries.map(([k, v]) => `${k.replace(/^ratchet\./, '')}=${value(v)}`).join(' ')}]`;
}

/**
 * One trace as an indented timeline: per span its start offset from the trace start, its
 * duration, origin and name, its attributes, error status, and links both ways — the spans it
 * links to (a retraining job → the alert that started it) and the spans of other traces that
 * link to it (an alert → the jobs it started), each named when it is in the files read, so the
 * loop can be followed from trace to trace. Children are indented under their parent; a span
 * whose parent is not in the files read is shown at the top level and says so.
 */
export function formatTimeline(spans: readonly SpanRecord[], traceId: string): string {
  const list = spans.filter((s) => s.traceId === traceId);
  if (list.length === 0) return `no spans of trace ${traceId}`;
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const incoming = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    if (s.traceId === traceId) continue;
    for (const l of s.links) {
      if (l.traceId !== traceId) continue;
      const c = incoming.get(l.spanId);
      if (c) c.push(s);
      else incoming.set(l.spanId, [s]);
    }
  }
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
  const origin = originNamer(spans);
  const start = Math.min(...list.map((s) => s.startTimeMs));
  const end = Math.max(...list.map((s) => s.endTimeMs));
  const lines = [`trace ${traceId} — ${list.length} spans, ${new Set(list.map(origin)).size} services, ${(end - start).toFixed(3)} ms`];
  const named = (s: SpanRecord | undefined) => (s ? ` (${origin(s)}: ${s.name}${attributeText(s)})` : ' (not in the files read)');
  const visit = (s: SpanRecord, depth: number) => {
    const offset = `+${(s.startTimeMs - start).toFixed(3)}`.padStart(11);
    const duration = s.durationMs.toFixed(3).padStart(10);
    const orphan = s.parentSpanId && !ids.has(s.parentSpanId) ? ` (parent ${s.parentSpanId} not in the files read)` : '';
    const status = s.status.code === 'ERROR' ? ` ERROR${s.status.message ? `: ${s.status.message}` : ''}` : '';
    const indent = `${' '.repeat(27)}${'  '.repeat(depth)}`;
    lines.push(`${offset} ms ${duration} ms  ${'  '.repeat(depth)}${origin(s)}: ${s.name}${attributeText(s)}${status}${orphan}`);
    for (const link of s.links) lines.push(`${indent}↳ linked to trace ${link.traceId} span ${link.spanId}${named(byId.get(`${link.traceId}/${link.spanId}`))}`);
    for (const other of (incoming.get(s.spanId) ?? []).sort((a, b) => a.startTimeMs - b.startTimeMs)) {
      lines.push(`${indent}↰ linked from trace ${other.traceId} span ${other.spanId}${named(other)}`);
    }
    for (const c of (children.get(s.spanId) ?? []).sort((a, b) => a.startTimeMs - b.startTimeMs)) visit(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.startTimeMs - b.startTimeMs)) visit(r, 0);
  return lines.join('\n');
}

/**
 * Attributes that name what a span is about; `--id` finds traces by them. An alert id also finds
 * the jobs it triggered (their `trigger_id`).
 */
const ID_ATTRIBUTES = ['ratchet.request_id', 'ratchet.alert_id', 'ratchet.job_id', 'ratchet.trigger_id'] as const;

/**
 * The traces `key` names, oldest first: the one trace whose id starts with `key` (hex), else
 * every trace with a span about that request, alert or job id (a job resumed after a restart
 * has a trace per run; an alert id gives the alert's trace and the jobs it started).
 * Throws when a prefix is ambiguous or nothing matches.
 */
export function findTraces(spans: readonly SpanRecord[], key: string): string[] {
  const k = key.trim().toLowerCase();
  if (/^[0-9a-f]*$/.test(k)) {
    const ids = [...new Set(spans.map((s) => s.traceId).filter((id) => id.startsWith(k)))];
    if (ids.length > 1) throw new Error(`'${key}' matches ${ids.length} traces; give more of the id`);
    if (ids.length === 1) return ids;
  }
  const matching = new Set(spans.filter((s) => ID_ATTRIBUTES.some((a) => s.attributes[a] === key.trim())).map((s) => s.traceId));
  if (matching.size === 0) throw new Error(`no trace id starts with '${key}', and no span has it as request, alert or job id`);
  const startOf = new Map<string, number>();
  for (const s of spans) if (matching.has(s.traceId)) startOf.set(s.traceId, Math.min(startOf.get(s.traceId) ?? Infinity, s.startTimeMs));
  return [...startOf.keys()].sort((a, b) => (startOf.get(a) as number) - (startOf.get(b) as number));
}
