import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type Alert, AlertSeverity, RetrainJobEventKind, RetrainOutcome, RolloutEventKind } from '@ratchet/contracts';
import { EmbeddedLoop, type LoopEvent, type LoopStatus, type LoopSummary, type OnsetDelay, alertKindName } from '../loop/embedded-loop.js';
import { EmbeddedRetrainer, type RetrainEvent, type RetrainTimeline } from '../loop/embedded-retrainer.js';
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
  retrain: boolean;
  batchRows: number;
  retrainRows: number;
  budget: number;
  canaryShare: number;
  minSample: number;
  rolloutTimeout: number;
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
    case 'retrain-off':
      return '     retraining: off (--no-retrain)';
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
  return lines;
}

const pct = (v: number) => `${Math.round(v * 100)} %`;
const acc = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const after = (d: OnsetDelay | undefined) => (d ? ` — ${secs(d.ms)} / ${d.rows} rows after the onset` : '');

/** One line per retraining step: the wait for fresh rows, each job event, each rollout event. */
export function formatRetrainEvent(e: RetrainEvent): string | undefined {
  switch (e.kind) {
    case 'waiting':
      return `     retraining: waiting for ${e.rows} labelled rows after the ${alertKindName(e.alert.kind)} alert, then training on them`;
    case 'ignored':
      return `     retraining: not triggered (${e.reason})`;
    case 'trigger-failed':
      return `     retraining: could not start (${e.reason})`;
    case 'job': {
      const j = e.event;
      const flips = `${j.regressions} regressions, ${j.gains} gains vs ${j.parentVersion} on ${j.evaluationRows} held-out rows (accuracy ${acc(j.accuracyNew)} vs ${acc(j.accuracyParent)}, regression bound ${j.regressionUpperBound.toFixed(3)})`;
      switch (j.kind) {
        case RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_STARTED:
          return `  >> retraining ${j.jobId} started from ${j.model}@${j.parentVersion} on batches ${j.batchIds.join(', ')} (trigger: ${j.trigger} ${j.triggerId.slice(0, 8)})${after(e.sinceOnset)}`;
        case RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PHASE:
          return `     ${j.jobId}: ${j.phase}${j.version ? ` → ${j.version}: ${flips}` : ''}`;
        case RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED: {
          const what = j.outcome === RetrainOutcome.RETRAIN_OUTCOME_GATED_PAIR ? 'as a gated composite' : 'alone';
          return `  >> published ${j.model}@${j.version} ${what}: ${flips} (≤ budget)${after(e.sinceOnset)}`;
        }
        case RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_REFUSED:
          return `  >> retraining ${j.jobId || ''} REFUSED: ${j.reason}${after(e.sinceOnset)}`;
        case RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_FAILED:
          return `  >> retraining ${j.jobId} FAILED${j.retriable ? ' (retriable)' : ''}: ${j.reason}${after(e.sinceOnset)}`;
        default:
          return undefined;
      }
    }
    case 'rollout': {
      const r = e.event;
      const numbers = `accuracy ${acc(r.canaryAccuracy)} vs ${acc(r.stableAccuracy)} over ${r.canaryCount}/${r.stableCount} labelled rows (canary/stable)`;
      switch (r.kind) {
        case RolloutEventKind.ROLLOUT_EVENT_KIND_STARTED:
          return `  >> canary ${r.canary} at ${pct(r.share)} of the traffic (stable ${r.stable})${after(e.sinceOnset)}`;
        case RolloutEventKind.ROLLOUT_EVENT_KIND_PROMOTED:
          return `  >> PROMOTED ${r.canary}: ${numbers}; ${r.reason}${after(e.sinceOnset)}`;
        case RolloutEventKind.ROLLOUT_EVENT_KIND_ROLLED_BACK:
          return `  >> ROLLED BACK ${r.canary} to ${r.stable}: ${numbers}; ${r.reason}${after(e.sinceOnset)}`;
        case RolloutEventKind.ROLLOUT_EVENT_KIND_ABORTED:
          return `  >> rollout of ${r.canary} ABORTED: ${r.reason}${after(e.sinceOnset)}`;
        default:
          return undefined;
      }
    }
  }
}

/** The retraining part of the summary: time from the drift onset to each step. */
export function formatRetrainSummary(t: RetrainTimeline, inProgress: boolean): string[] {
  const row = (what: string, d: OnsetDelay | undefined, note = '') => `    ${what.padEnd(22)} ${d ? `${secs(d.ms).padStart(8)}  ${String(d.rows).padStart(6)} rows` : '       —'}${note}`;
  const lines = ['  retraining after the drift (time / rows from the onset):'];
  lines.push(row('retraining alert', t.trigger?.at, t.trigger ? `  (${t.trigger.alert})` : ''));
  lines.push(row('job started', t.jobStarted));
  const end = t.jobEnded;
  lines.push(row(end && end.kind !== 'published' ? `job ${end.kind}` : 'published', end?.at, end ? (end.kind === 'published' ? `  (${end.version})` : `  (${end.reason})`) : ''));
  lines.push(row('canary', t.canary));
  const d = t.decision;
  lines.push(row(d ? d.kind.replace('_', ' ') : 'promoted / rolled back', d?.at, d ? `  (${d.version}: ${d.reason})` : ''));
  if (inProgress) lines.push('    (still in progress when the stream ended: a longer --rows or a higher --rate gives it the rows it needs)');
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
    .option('--no-retrain', 'run without the retrainer (alerts are shown, nothing is retrained)')
    .option('--batch-rows <n>', 'labelled rows per stored batch of the retrainer', intOption, 1000)
    .option('--retrain-rows <n>', 'labelled rows to wait for after a drift alert; the job trains on them', intOption, 2000)
    .option('--budget <rate>', 'regression budget of the publishing rule vs the serving version', numberOption, 0.05)
    .option('--canary-share <share>', 'traffic share of the canary', numberOption, 0.2)
    .option('--min-sample <n>', 'labelled rows per arm before the canary is judged', intOption, 200)
    .option('--rollout-timeout <ms>', 'a canary without a verdict this long is rolled back', intOption, 120_000)
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
      const traceFile = resolve(o.var, 'traces.jsonl');
      const otlp = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
      const telemetry = startTracing('ratchet-up', traceFile, otlp);
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
      let retrainer: EmbeddedRetrainer | undefined;
      try {
        retrainer = o.retrain
          ? await EmbeddedRetrainer.start(
              loop,
              { batchRows: o.batchRows, freshRows: o.retrainRows, budget: o.budget, canaryShare: o.canaryShare, minSamplePerArm: o.minSample, rolloutTimeoutMs: o.rolloutTimeout, seed: o.seed },
              (e) => {
                const line = formatRetrainEvent(e);
                if (line) say(line);
              },
            )
          : undefined;
      } catch (err) {
        await loop.stop();
        throw err;
      }
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
        say(
          retrainer
            ? `  retrainer: batches of ${o.batchRows} labelled rows; after a drift alert it trains on the next ${o.retrainRows}, publishes if Pareto-safe (budget ${o.budget}), canary at ${pct(o.canaryShare)} until ${o.minSample} labelled rows per arm (timeout ${secs(o.rolloutTimeout)})`
            : '  retrainer: off (--no-retrain)',
        );
        say(`  streaming ${source.stream.nRows} rows at ${o.rate} rows/s over ${o.clients} clients; labels ${o.labelDelay}–${o.labelDelay + Math.floor(o.labelDelay / 2)} rows late, shuffled\n`);
        const summary = await loop.run({ onEvent: (e) => say(formatEvent(e)), onStatus: (s) => say(formatStatus(s)), signal: abort.signal });
        for (const line of formatSummary(summary)) say(line);
        if (retrainer && summary.onset !== undefined) for (const line of formatRetrainSummary(retrainer.times, retrainer.inProgress)) say(line);
        if (otlp) say(`  traces: sent to ${otlp}`);
        else {
          const file = traceFile === resolve('./var/traces.jsonl') ? '' : ` --file ${traceFile}`;
          say(`  traces: ${traceFile} — npx ratchet traces${file} --span retrain.job lists the jobs with the alert trace each links to; --id <trace, request, alert or job id> shows one`);
        }
        if (summary.failed > 0) process.exitCode = 1;
        if (o.keep && !abort.signal.aborted) {
          const example = source.drift ? ' --row salary=60000,commission=20000,age=45,elevel=e2,car=car3,zipcode=zip4,hvalue=500000,hyears=10,loan=150000' : ' --csv <rows.csv>';
          say(`\n  still serving; try: npx ratchet predict ${source.model} --url ${loop.routerAddress}${example}`);
          say(`  dashboard: ${loop.dashboardUrl ?? '(no HTTP)'}`);
          say('  Ctrl-C to stop');
          await new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
        }
      } finally {
        await retrainer?.stop();
        await loop.stop();
        await telemetry.shutdown();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
