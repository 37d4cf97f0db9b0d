import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { type RetrainJobEvent, RetrainJobEventKind, Topics, retrainJobEventKindToJSON } from '@ratchet/contracts';
import { type EventBus, parseTraceparent } from '@ratchet/bus';
import { currentTraceIds, withSpan } from '@ratchet/service-kit';
import { intOption } from '../options.js';
import { openBus, startTracing } from '../runtime.js';

/** Options of {@link requestRetrain}. */
export interface RetrainCommandOptions {
  readonly reason?: string;
  readonly maxBatches?: number;
  /** Wait for the job's end and report each event. */
  readonly wait?: boolean;
  readonly timeoutMs?: number;
  /** Each job event, with the trace id of the job run that published it. */
  readonly onEvent?: (e: RetrainJobEvent, jobTraceId: string | undefined) => void;
}

/** True for the event that ends a job. */
function ends(e: RetrainJobEvent): boolean {
  return (
    e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED ||
    e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_REFUSED ||
    e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_FAILED
  );
}

/**
 * Asks the retrainer service for a retraining job: publishes a `RetrainRequest` on
 * `ratchet.retrain.requests.v1`; with `wait`, follows `ratchet.retrain.jobs.v1` until the job
 * triggered by this request ends and returns its last event.
 */
export async function requestRetrain(bus: EventBus, model: string, o: RetrainCommandOptions = {}): Promise<RetrainJobEvent | undefined> {
  const requestId = randomUUID();
  let finish: ((e: RetrainJobEvent) => void) | undefined;
  const finished = new Promise<RetrainJobEvent>((resolve) => (finish = resolve));
  const sub = o.wait
    ? await bus.subscribe(
        Topics.retrainJobs,
        (e, ctx) => {
          if (e.model !== model) return;
          // A busy retrainer answers with the running job's events: follow the first job seen after the request.
          o.onEvent?.(e, parseTraceparent(ctx.traceparent)?.traceId);
          if (ends(e)) finish?.(e);
        },
        { groupId: `ratchet-cli-retrain-${requestId}`, fromBeginning: false },
      )
    : undefined;
  try {
    await bus.publish(Topics.retrainRequests, { requestId, model, reason: o.reason ?? 'ratchet retrain', requestedAtMs: Date.now(), maxBatches: o.maxBatches ?? 0 });
    if (!o.wait) return undefined;
    const timeoutMs = o.timeoutMs ?? 30 * 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no end of the retraining job of ${model} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await sub?.stop();
  }
}

/** One line per job event. */
export function formatJobEvent(e: RetrainJobEvent): string {
  const kind = retrainJobEventKindToJSON(e.kind).replace('RETRAIN_JOB_EVENT_KIND_', '').toLowerCase();
  const parts = [`${e.model} job ${e.jobId || '-'}: ${kind}`, e.phase && kind === 'phase' ? e.phase : ''];
  if (e.version) parts.push(`version ${e.version}`);
  if (e.evaluationRows > 0) parts.push(`${e.regressions} regressions, ${e.gains} gains in ${e.evaluationRows} held-out rows`);
  if (e.reason) parts.push(e.reason);
  return parts.filter(Boolean).join(' · ');
}

interface RetrainOpts {
  reason?: string;
  maxBatches?: number;
  wait: boolean;
}

/** Registers `ratchet retrain <model>`. */
export function registerRetrain(program: Command): void {
  program
    .command('retrain')
    .description('ask the retrainer service (over KAFKA_BROKERS) to retrain a model now; --wait follows the job')
    .argument('<model>', 'model name')
    .option('--reason <text>', 'why (recorded in the job events)')
    .option('--max-batches <n>', 'train on at most this many of the latest batches', intOption)
    .option('--wait', 'wait for the job to end and print its events', false)
    .action(async (model: string, o: RetrainOpts) => {
      if (!process.env['KAFKA_BROKERS']) throw new Error('KAFKA_BROKERS is not set: `ratchet retrain` asks a running retrainer service over Kafka');
      // The request is a span of its own: the job's `retrain.job` span links to it.
      const telemetry = startTracing('ratchet-cli', process.env['RATCHET_TRACE_FILE'] ?? './var/traces.jsonl', process.env['OTEL_EXPORTER_OTLP_ENDPOINT']);
      const bus = await openBus('ratchet-cli');
      try {
        let jobTrace: string | undefined;
        const last = await withSpan(telemetry.tracer, 'retrain.request', { 'ratchet.model': model, 'ratchet.reason': o.reason ?? 'ratchet retrain' }, () => {
          process.stdout.write(`request trace ${currentTraceIds()?.traceId ?? '-'}\n`);
          return requestRetrain(bus, model, {
            ...o,
            onEvent: (e, traceId) => {
              jobTrace ??= traceId;
              process.stdout.write(`${formatJobEvent(e)}\n`);
            },
          });
        });
        if (!o.wait) process.stdout.write(`retraining of ${model} requested\n`);
        if (jobTrace) process.stdout.write(`job trace ${jobTrace} (ratchet traces --id ${jobTrace} with the retrainer's span file)\n`);
        if (last && last.kind !== RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED) process.exitCode = 3;
      } finally {
        await bus.close();
        await telemetry.shutdown();
      }
    });
}
