import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { SpanRecord } from '@ratchet/service-kit';
import { collect, intOption } from '../options.js';
import { findTraces, formatSummary, formatTimeline, parseSpanLines, summarizeTraces } from '../traces/trace-timeline.js';

interface TracesOpts {
  file: string[];
  id?: string;
  span?: string;
  limit: number;
}

/**
 * `ratchet traces [--id ID]`: list recent traces (entry point, spans, services, linked traces),
 * or show the traces an id names — a trace id prefix, a request id, an alert id (its trace and
 * the jobs it started) or a job id — as indented timelines.
 */
export function registerTraces(program: Command): void {
  program
    .command('traces')
    .description('show traces from the local span files: the recent ones, or those of an id as indented timelines')
    .option('--id <id>', 'the trace to show: a trace id (a unique prefix is enough), or a request, alert or job id')
    .option('--file <path>', 'span file (repeatable; default $RATCHET_TRACE_FILE or ./var/traces.jsonl)', collect, [])
    .option('--span <name>', 'list only traces with a span of this name (e.g. retrain.job, monitor.alert)')
    .option('--limit <n>', 'how many recent traces to list', intOption, 20)
    .action(async (o: TracesOpts) => {
      const files = o.file.length > 0 ? o.file : [process.env.RATCHET_TRACE_FILE ?? './var/traces.jsonl'];
      const spans: SpanRecord[] = [];
      let skipped = 0;
      for (const f of files) {
        const text = await readFile(f, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new Error(err.code === 'ENOENT' ? `no span file at ${f} (services write one when RATCHET_TRACE_FILE is set; default ./var/traces.jsonl)` : String(err));
        });
        const read = parseSpanLines(text);
        spans.push(...read.spans);
        skipped += read.skippedLines;
      }
      if (skipped > 0) process.stderr.write(`traces: skipped ${skipped} unreadable line(s) (e.g. one torn by a crash)\n`);
      if (o.id) {
        process.stdout.write(`${findTraces(spans, o.id).map((id) => formatTimeline(spans, id)).join('\n\n')}\n`);
        return;
      }
      const only = o.span === undefined ? undefined : new Set(spans.filter((s) => s.name === o.span).map((s) => s.traceId));
      const summaries = summarizeTraces(spans)
        .filter((t) => only === undefined || only.has(t.traceId))
        .slice(0, o.limit);
      if (summaries.length === 0) {
        process.stdout.write('no traces\n');
        return;
      }
      for (const t of summaries) process.stdout.write(`${formatSummary(t)}\n`);
    });
}
