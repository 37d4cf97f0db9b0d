import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '@ratchet/service-kit';
import { findTraces, formatSummary, formatTimeline, parseSpanLines, summarizeTraces } from './trace-timeline.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const J = 'ffff0000ffff0000ffff0000ffff0000';
// A label record's trace, written by no process whose span file is read.
const L = 'abababababababababababababababab';

function span(partial: Partial<SpanRecord> & Pick<SpanRecord, 'spanId' | 'name' | 'service' | 'startTimeMs' | 'endTimeMs'>): SpanRecord {
  return {
    traceId: T,
    kind: 'INTERNAL',
    startTimeUnixNano: String(partial.startTimeMs * 1e6),
    endTimeUnixNano: String(partial.endTimeMs * 1e6),
    durationMs: partial.endTimeMs - partial.startTimeMs,
    attributes: {},
    status: { code: 'UNSET' },
    events: [],
    links: [],
    scope: 'test',
    ...partial,
  };
}

const spans: SpanRecord[] = [
  span({ spanId: 'a1a1a1a1a1a1a1a1', name: 'router.route', service: 'ratchet-router', startTimeMs: 1000, endTimeMs: 1012, attributes: { 'ratchet.model': 'demo', 'ratchet.policy': 'split' } }),
  span({ spanId: 'b2b2b2b2b2b2b2b2', parentSpanId: 'a1a1a1a1a1a1a1a1', name: 'router.member', service: 'ratchet-router', startTimeMs: 1001, endTimeMs: 1010 }),
  span({ spanId: 'c3c3c3c3c3c3c3c3', parentSpanId: 'b2b2b2b2b2b2b2b2', name: 'ModelInfer', service: 'ratchet-prediction', startTimeMs: 1002, endTimeMs: 1008, attributes: { 'ratchet.version': '1.1.0' } }),
  span({ spanId: 'd4d4d4d4d4d4d4d4', parentSpanId: '0f0f0f0f0f0f0f0f', name: 'monitor.join', service: 'ratchet-monitor', startTimeMs: 1050, endTimeMs: 1051, status: { code: 'ERROR', message: 'late label' }, attributes: { 'ratchet.request_id': 'req-7', 'ratchet.arm': '' }, links: [{ traceId: L, spanId: '1b1b1b1b1b1b1b1b', attributes: {} }] }),
  span({ spanId: 'e5e5e5e5e5e5e5e5', traceId: J, name: 'retrain.job', service: 'ratchet-retrainer', startTimeMs: 2000, endTimeMs: 2500, links: [{ traceId: T, spanId: 'd4d4d4d4d4d4d4d4', attributes: {} }], attributes: { 'ratchet.job_id': 'job-b000003', 'ratchet.trigger_id': 'alert-9' } }),
];

describe('trace timelines', () => {
  it('indents children under their parents with offsets and durations from the trace start', () => {
    const lines = formatTimeline(spans, T).split('\n');
    expect(lines[0]).toBe(`trace ${T} — 4 spans, 3 services, 51.000 ms`);
    expect(lines[1]).toBe('     +0.000 ms     12.000 ms  ratchet-router: router.route [model=demo policy=split]');
    expect(lines[2]).toBe('     +1.000 ms      9.000 ms    ratchet-router: router.member');
    expect(lines[3]).toBe('     +2.000 ms      6.000 ms      ratchet-prediction: ModelInfer [version=1.1.0]');
    expect(lines[4]).toBe('    +50.000 ms      1.000 ms  ratchet-monitor: monitor.join [request_id=req-7] ERROR: late label (parent 0f0f0f0f0f0f0f0f not in the files read)');
  });

  it('shows links both ways, naming the linked span: the job links to the alert, the alert is linked from the job', () => {
    expect(formatTimeline(spans, J)).toContain(`↳ linked to trace ${T} span d4d4d4d4d4d4d4d4 (ratchet-monitor: monitor.join [request_id=req-7])`);
    expect(formatTimeline(spans, T).split('\n').slice(5)).toEqual([
      `${' '.repeat(27)}↳ linked to trace ${L} span 1b1b1b1b1b1b1b1b (not in the files read)`,
      `${' '.repeat(27)}↰ linked from trace ${J} span e5e5e5e5e5e5e5e5 (ratchet-retrainer: retrain.job [job_id=job-b000003 trigger_id=alert-9])`,
    ]);
  });

  it('names each span by its component when one process wrote the whole trace (ratchet up)', () => {
    const embedded = spans.map((s) => ({ ...s, service: 'ratchet-up', scope: `ratchet.${s.service.replace('ratchet-', '')}` }));
    expect(formatTimeline(embedded, T).split('\n').slice(0, 4)).toEqual([
      `trace ${T} — 4 spans, 3 services, 51.000 ms`,
      '     +0.000 ms     12.000 ms  router: router.route [model=demo policy=split]',
      '     +1.000 ms      9.000 ms    router: router.member',
      '     +2.000 ms      6.000 ms      prediction: ModelInfer [version=1.1.0]',
    ]);
    expect(summarizeTraces(embedded)[1]?.services).toEqual(['monitor', 'prediction', 'router']);
  });

  it('summarises traces newest first, with the traces in the files they link to and are linked from', () => {
    const s = summarizeTraces(spans);
    expect(s.map((t) => t.traceId)).toEqual([J, T]);
    expect(s[1]).toMatchObject({ root: 'ratchet-router: router.route', spans: 4, errors: 1, durationMs: 51, linksTo: [], linkedFrom: [J] });
    expect(s[1]?.services).toEqual(['ratchet-monitor', 'ratchet-prediction', 'ratchet-router']);
    expect(s[0]).toMatchObject({ root: 'ratchet-retrainer: retrain.job', linksTo: [T], linkedFrom: [] });
    const [job, request] = s;
    if (!job || !request) throw new Error('two traces expected');
    expect(formatSummary(job)).toMatch(/ 1 spans {2}ratchet-retrainer: retrain\.job {2}\(ratchet-retrainer\) {2}→ linked to 4bf92f3577b3$/);
    expect(formatSummary(request)).toMatch(/1 error\(s\) {2}ratchet-router: router\.route .* {2}← linked from ffff0000ffff$/);
  });

  it('finds a trace by id prefix and says when a prefix is ambiguous or unknown', () => {
    expect(findTraces(spans, '4bf9')).toEqual([T]);
    expect(() => findTraces(spans, '')).toThrow(/matches 2 traces/);
    expect(() => findTraces(spans, 'abc')).toThrow(/no trace id starts with 'abc', and no span has it/);
  });

  it('finds traces by request, job or alert id: an alert id gives the jobs it started', () => {
    expect(findTraces(spans, 'req-7')).toEqual([T]);
    expect(findTraces(spans, 'job-b000003')).toEqual([J]);
    expect(findTraces(spans, 'alert-9')).toEqual([J]);
  });

  it('skips and counts unreadable lines such as a torn last line', () => {
    const text = `${JSON.stringify(spans[0])}\n${JSON.stringify(spans[1])}\n{"traceId":"4bf9`;
    const read = parseSpanLines(text);
    expect(read.spans.map((s) => s.spanId)).toEqual(['a1a1a1a1a1a1a1a1', 'b2b2b2b2b2b2b2b2']);
    expect(read.skippedLines).toBe(1);
  });
});
