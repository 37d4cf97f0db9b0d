import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '@ratchet/service-kit';
import { formatTimeline, parseSpanLines, resolveTraceId, summarizeTraces } from './trace-timeline.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';

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
  span({ spanId: 'd4d4d4d4d4d4d4d4', parentSpanId: '0f0f0f0f0f0f0f0f', name: 'monitor.join', service: 'ratchet-monitor', startTimeMs: 1050, endTimeMs: 1051, status: { code: 'ERROR', message: 'late label' } }),
  span({ spanId: 'e5e5e5e5e5e5e5e5', traceId: 'ffff0000ffff0000ffff0000ffff0000', name: 'retrain.job', service: 'ratchet-retrainer', startTimeMs: 2000, endTimeMs: 2500, links: [{ traceId: T, spanId: 'd4d4d4d4d4d4d4d4', attributes: {} }] }),
];

describe('trace timelines', () => {
  it('indents children under their parents with offsets and durations from the trace start', () => {
    const lines = formatTimeline(spans, T).split('\n');
    expect(lines[0]).toBe(`trace ${T} — 4 spans, 3 services, 51.000 ms`);
    expect(lines[1]).toBe('     +0.000 ms     12.000 ms  ratchet-router: router.route [model=demo policy=split]');
    expect(lines[2]).toBe('     +1.000 ms      9.000 ms    ratchet-router: router.member');
    expect(lines[3]).toBe('     +2.000 ms      6.000 ms      ratchet-prediction: ModelInfer [version=1.1.0]');
    expect(lines[4]).toBe('    +50.000 ms      1.000 ms  ratchet-monitor: monitor.join ERROR: late label (parent 0f0f0f0f0f0f0f0f not in the files read)');
  });

  it('shows links, such as a retraining job linked to the alert that started it', () => {
    expect(formatTimeline(spans, 'ffff0000ffff0000ffff0000ffff0000')).toContain(`↳ linked to trace ${T} span d4d4d4d4d4d4d4d4`);
  });

  it('summarises traces newest first', () => {
    const s = summarizeTraces(spans);
    expect(s.map((t) => t.traceId)).toEqual(['ffff0000ffff0000ffff0000ffff0000', T]);
    expect(s[1]).toMatchObject({ root: 'ratchet-router: router.route', spans: 4, errors: 1, durationMs: 51 });
    expect(s[1]?.services).toEqual(['ratchet-monitor', 'ratchet-prediction', 'ratchet-router']);
  });

  it('finds a trace by id prefix and says when a prefix is ambiguous or unknown', () => {
    expect(resolveTraceId(spans, '4bf9')).toBe(T);
    expect(() => resolveTraceId(spans, '')).toThrow(/matches 2 traces/);
    expect(() => resolveTraceId(spans, 'abc')).toThrow(/no trace id starts with 'abc'/);
  });

  it('skips and counts unreadable lines such as a torn last line', () => {
    const text = `${JSON.stringify(spans[0])}\n${JSON.stringify(spans[1])}\n{"traceId":"4bf9`;
    const read = parseSpanLines(text);
    expect(read.spans.map((s) => s.spanId)).toEqual(['a1a1a1a1a1a1a1a1', 'b2b2b2b2b2b2b2b2']);
    expect(read.skippedLines).toBe(1);
  });
});
