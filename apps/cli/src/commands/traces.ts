import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { collect, intOption } from '../options.js';
import { formatTimeline, parseSpanLines, resolveTraceId, summarizeTraces } from '../traces/trace-timeline.js';

interface TracesOpts {
  file: string[];
  id?: string;
  limit: number;
}

/** `ratchet traces [--id ID]`: list recent traces, or show one as an indented timeline. */
export function registerTraces(program: Command): void {
  program
    .command('traces')
    .description('show traces from the local span files: the recent ones, or one as an indented timeline')
    .option('--id <trace-id>', 'the trace to show (a unique prefix is enough)')
    .option('--file <path>', 'span file (repeatable; default $RATCHET_TRACE_FILE or ./var/traces.jsonl)', collect, [])
    .option('--limit <n>', 'how many recent traces to list', intOption, 20)
    .action(async (o: TracesOpts) => {
      const files = o.file.length > 0 ? o.file : [process.env.RATCHET_TRACE_FILE ?? './var/traces.jsonl'];
      const spans = [];
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
        process.stdout.write(`${formatTimeline(spans, resolveTraceId(spans, o.id))}\n`);
        return;
      }
      const summaries = summarizeTraces(spans).slice(0, o.limit);
      if (summaries.length === 0) {
        process.stdout.write('no traces\n');
        return;
      }
      for (const t of summaries) {
        process.stdout.write(
          `${t.traceId}  ${new Date(t.startMs).toISOString()}  ${t.durationMs.toFixed(3).padStart(10)} ms  ${String(t.spans).padStart(3)} spans` +
            `${t.errors ? `  ${t.errors} error(s)` : ''}  ${t.root}  (${t.services.join(', ')})\n`,
        );
      }
    });
}
