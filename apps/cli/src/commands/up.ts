import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type Alert, AlertSeverity } from '@ratchet/contracts';
import { EmbeddedLoop, type LoopEvent, type LoopStatus, type LoopSummary, alertKindName } from '../loop/embedded-loop.js';
import { type LoopSource, agrawalSource, csvSource } from '../loop/stream-source.js';
import { intOption, numberOption } from '../options.js';
import { processLogger, startTracing } from '../runtime.js';

interface UpOpts {
  var: string;
  rows?: number;
  driftAt?: number;
  drift: string;
  driftWidth: number;
  rate: number;
  labelDelay: number;
  clients: number;
  trainRows: number;
  seed: number;
  keep?: boolean;
  data?: string;
  label?: string;
  positive?: string;
  time?: string;
  grpcPort: number;
  httpPort: number;
}

const DEFAULT_ROWS = 20_000;
/** Alert kinds that fire on a count or a clock, whatever the data does. */
const TRIGGERS_NOT_DETECTIONS = new Set(['new_data', 'schedule']);
const say = (line: string) => process.stdout.write(`${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One line of evidence: the statistic against its threshold, p-value, effect size, sample size and features. */
export function formatEvidence(a: Alert): string {
  const e = a.evidence;
  if (!e) return '';
  const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3));
  const parts = [`${e.statistic} ${num(e.value)}${Number.isFinite(e.threshold) && e.threshold !== 0 ? ` (threshold ${num(e.threshold)})` : ''}`];
  if (Number.isFinite(e.pValue)) parts.push(`p ${e.pValue.toExponential(1)}`);
  if (e.effectSize) parts.push(`effect ${e.effectSize.toFixed(3)}`);
  if (e.sampleSize) parts.push(`n ${e.sampleSize}`);
  if (e.detector) parts.push(`detector ${e.detector}`);
  if (e.features.length > 0) parts.push(`features ${e.features.join(', ')}`);
  return parts.join(', ');
}

function formatStatus(s: LoopStatus): string {
  const acc = s.accuracy ? `accuracy ${s.accuracy.value.toFixed(3)} (v${s.accuracy.version}, last ${s.accuracy.count} labelled)` : 'accuracy —';
  const drift = s.driftedFeatures === undefined ? 'drift: not checked yet' : s.driftedFeatures.length === 0 ? 'drift: none' : `drift: ${s.driftedFeatures.join(', ')}`;
  return `  [${secs(s.elapsedMs).padStart(7)}] rows ${s.rowsStreamed}/${s.rowsTotal}${s.failed ? ` (${s.failed} failed)` : ''} · labels sent ${s.labelsSent} · ${acc} · ${drift} · alerts ${s.alerts}`;
}

function formatEvent(e: LoopEvent): string {
  switch (e.kind) {
    case 'drift-onset':
      return `  >> drift onset at row ${e.row} (injected: ${e.description})`;
    case 'alert': {
      const a = e.alert;
      const severity = (AlertSeverity[a.severity] ?? '').replace(/^ALERT_SEVERITY_/, '').toLowerCase();
      const when = e.sinceOnset ? ` — ${secs(e.sinceOnset.ms)} / ${e.sinceOnset.rows} rows after the onset` : ' — before any injected drift';
      return `  >> ALERT ${alertKindName(a.kind)} ${severity} on ${a.model}@${a.version}: ${a.message}\n     evidence: ${formatEvidence(a)}${when}`;
    }
    case 'retrain-not-wired':
      return '     retraining: the retrainer is not wired in yet';
    case 'alert-handler-failed':
      return `     alert handler failed: ${e.error.message}`;
  }
}

/** The end-of-run summary, with the measured time from the drift onset to each alert kind. */
export function formatSummary(s: LoopSummary): string[] {
  const lines = [
    '',
    `summary: ${s.rowsStreamed} rows streamed through the router in ${secs(s.durationMs)}${s.aborted ? ' (stopped early)' : ''}, ${s.failed} failed; ${s.labelsSent} labels sent late; ${s.joinedRows} rows joined by the monitor`,
  ];
  if (s.onset !== undefined) {
    lines.push(`  drift onset at row ${s.onset}; time from onset to the first alert of each kind (measured by this run):`);
    const kinds = Object.entries(s.firstAfterOnset);
    if (kinds.length === 0) lines.push('    no alert after the onset');
    for (const [kind, d] of kinds) {
      const note = TRIGGERS_NOT_DETECTIONS.has(kind) ? '  (a retraining trigger, not a detection)' : '';
      lines.push(`    ${kind.padEnd(14)} ${secs(d.ms).padStart(8)}  ${String(d.rows).padStart(6)} rows${note}`);
    }
  }
  const before = s.alerts.filter((a) => !a.sinceOnset);
  if (before.length > 0) lines.push(`  alerts before any injected drift: ${before.map((a) => `${a.kind} (row ${a.row})`).join(', ')}`);
  if (s.alerts.some((a) => a.retrain)) lines.push('  retraining triggers were raised; the retrainer is not wired into `ratchet up` yet');
  return lines;
}

/**
 * `ratchet up`: the whole loop embedded in one process — bootstrap a first model, serve it
 * behind the router, stream a drifting data set through it with late labels, watch the
 * monitor's metrics, drift checks and alerts live.
 */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('run the loop in one process: bootstrap a model, serve it behind the router, stream drifting data with late labels, show the monitor’s alerts live')
    .option('--var <dir>', 'state folder (registry, traces)', './var')
    .option('--rows <n>', `rows to stream (default ${DEFAULT_ROWS}; with --data every row after --train-rows)`, intOption)
    .option('--drift-at <row>', 'row where the drift is injected (default: half-way)', intOption)
    .option('--drift <kind>', 'abrupt | gradual', 'abrupt')
    .option('--drift-width <rows>', 'rows of a gradual drift', intOption, 2000)
    .option('--rate <rows/s>', 'rows per second through the router', numberOption, 250)
    .option('--label-delay <rows>', 'rows streamed before a label is sent (plus up to half again, shuffled)', intOption, 500)
    .option('--clients <n>', 'concurrent gRPC clients', intOption, 4)
    .option('--train-rows <n>', 'rows the first model is trained on', intOption, 2000)
    .option('--seed <n>', 'seed of the data, the label order and the model', intOption, 1)
    .option('--keep', 'keep serving after the stream ends, until Ctrl-C')
    .option('--data <file.csv>', "replay a CSV in order instead of the built-in generator (needs --label; no drift is injected)")
    .option('--label <column>', 'label column of --data')
    .option('--positive <value>', 'positive class of --label')
    .option('--time <column>', 'replay --data in the order of this column')
    .option('--grpc-port <port>', 'base gRPC port: prediction here, router +10 (0 = free ports)', intOption, 8001)
    .option('--http-port <port>', 'base HTTP port: prediction here, monitor +2, router +10 (0 = free ports)', intOption, 8000)
    .action(async (o: UpOpts) => {
      if (o.drift !== 'abrupt' && o.drift !== 'gradual') throw new Error(`--drift must be abrupt or gradual, got '${o.drift}'`);
      if (o.data && !o.label) throw new Error('--data needs --label <column>');
      const source: LoopSource = o.data
        ? csvSource(o.data, await readFile(o.data, 'utf8'), {
            label: o.label as string,
            trainRows: o.trainRows,
            ...(o.positive ? { positive: o.positive } : {}),
            ...(o.time ? { time: o.time } : {}),
            ...(o.rows !== undefined ? { rows: o.rows } : {}),
          })
        : agrawalSource({ rows: o.rows ?? DEFAULT_ROWS, driftAt: o.driftAt ?? Math.floor((o.rows ?? DEFAULT_ROWS) / 2), drift: o.drift, driftWidth: o.driftWidth, seed: o.seed, trainRows: o.trainRows });
      // The loop prints alerts itself; the services' own warnings would repeat them.
      const logger = processLogger('ratchet', 'error', 'pretty');
      const telemetry = startTracing('ratchet-up', resolve(o.var, 'traces.jsonl'));
      say('ratchet up: the loop in one process (in-memory bus, registry and traces under --var)');
      say(`  data: ${source.description}`);
      const loop = await EmbeddedLoop.start({
        varDir: o.var,
        source,
        rate: o.rate,
        clients: o.clients,
        labelDelayRows: o.labelDelay,
        seed: o.seed,
        grpcPort: o.grpcPort,
        httpPort: o.httpPort,
        logger,
      });
      const abort = new AbortController();
      const onSignal = () => {
        if (abort.signal.aborted) return;
        say('\n  stopping…');
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const b = loop.bootstrap;
        say(
          b.trained
            ? `  bootstrapped ${b.record.model}@${b.record.version}: GBDT on ${source.train.nRows} rows in ${Math.round(b.ms)} ms (held-out accuracy ${b.metrics?.accuracy.toFixed(3)}, ROC-AUC ${b.metrics?.roc_auc.toFixed(3)}), drift profile in its manifest`
            : `  reusing ${b.record.model}@${b.record.version} from ${loop.registry.root} (same bootstrap recipe)`,
        );
        say(`  registry ${loop.registry.root}`);
        for (const note of loop.notes) say(`  ${note}`);
        say(`  prediction grpc ${loop.predictionAddress} · router grpc ${loop.routerAddress} (policy: single ${b.record.version})`);
        say(`  dashboard: ${loop.dashboardUrl ?? '(no HTTP)'}`);
        say(`  streaming ${source.stream.nRows} rows at ${o.rate} rows/s over ${o.clients} clients; labels ${o.labelDelay}–${o.labelDelay + Math.floor(o.labelDelay / 2)} rows late, shuffled\n`);
        const summary = await loop.run({ onEvent: (e) => say(formatEvent(e)), onStatus: (s) => say(formatStatus(s)), signal: abort.signal });
        for (const line of formatSummary(summary)) say(line);
        say(`  traces: ${resolve(o.var, 'traces.jsonl')}`);
        if (summary.failed > 0) process.exitCode = 1;
        if (o.keep && !abort.signal.aborted) {
          const example = source.drift ? ' --row salary=60000,commission=20000,age=45,elevel=e2,car=car3,zipcode=zip4,hvalue=500000,hyears=10,loan=150000' : ' --csv <rows.csv>';
          say(`\n  still serving; try: npx ratchet predict ${source.model} --url ${loop.routerAddress}${example}`);
          say(`  dashboard: ${loop.dashboardUrl ?? '(no HTTP)'}`);
          say('  Ctrl-C to stop');
          await new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
        }
      } finally {
        await loop.stop();
        await telemetry.shutdown();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
