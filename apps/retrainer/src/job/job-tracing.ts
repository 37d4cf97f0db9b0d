import { type Link, type Span, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { parseTraceparent } from '@ratchet/bus';
import { withSpan } from '@ratchet/service-kit';
import type { JobState, JobTrigger } from './job-state.js';

/** Names of a retraining job's spans. */
export const RetrainSpanNames = {
  /** One run of a job (a resumed job is a second run): a trace of its own, linked to its trigger. */
  job: 'retrain.job',
  /** Candidate pools and the slowly varying selection. */
  train: 'retrain.train',
  /** The flip report against production and the publishing rule. */
  decide: 'retrain.decide',
  /** The registry publish (its `registry.publish` span is a child). */
  publish: 'retrain.publish',
} as const;

const tracer = () => trace.getTracer('ratchet.retrainer');

/**
 * The link from a job's span to the span of the record that started it (the alert's
 * `monitor.alert` span, or the `ratchet retrain` request), when the trigger kept its
 * `traceparent`. Job and trigger are separate traces — a job outlives the request that raised
 * its alert by minutes — so the job is linked, not parented.
 */
export function triggerLinks(trigger: JobTrigger): Link[] {
  const parsed = parseTraceparent(trigger.traceparent);
  if (parsed === undefined) return [];
  return [
    {
      context: { traceId: parsed.traceId, spanId: parsed.spanId, traceFlags: parsed.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true },
      attributes: { 'ratchet.trigger': trigger.kind, 'ratchet.trigger_id': trigger.id },
    },
  ];
}

function recordOutcome(span: Span, state: JobState): void {
  span.setAttribute('ratchet.outcome', state.phase);
  if (state.plan) span.setAttribute('ratchet.new_version', state.plan.version);
  if (state.phase === 'published' && state.plan) span.setAttribute('ratchet.publish_kind', state.plan.outcome);
  if (state.reason) span.setAttribute('ratchet.reason', state.reason);
  if (state.phase === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: state.reason ?? 'failed' });
}

/**
 * Runs one run of a job inside a `retrain.job` span: the root of a new trace, linked to the
 * trigger, with attributes model, job id, trigger, parent version, the phase it starts from and,
 * at the end, its outcome (`published` with the new version, `refused` or `failed` with the
 * reason, `interrupted` when the run stopped before an end — a shutdown; the job resumes later).
 * Everything `run` does — phase spans, job events, the registry publish — is in this trace.
 */
export function traceJobRun(state: JobState, run: () => Promise<JobState>): Promise<JobState> {
  const attributes = {
    'ratchet.model': state.model,
    'ratchet.job_id': state.jobId,
    'ratchet.trigger': state.trigger.kind,
    'ratchet.trigger_id': state.trigger.id,
    'ratchet.parent_version': state.parentVersion,
    'ratchet.start_phase': state.phase,
  };
  return tracer().startActiveSpan(RetrainSpanNames.job, { kind: SpanKind.INTERNAL, root: true, attributes, links: triggerLinks(state.trigger) }, async (span) => {
    try {
      const end = await run();
      recordOutcome(span, end);
      return end;
    } catch (error) {
      span.setAttribute('ratchet.outcome', 'interrupted');
      span.recordException(error instanceof Error ? error : String(error));
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs one phase of a job in a child span of the active `retrain.job` span (`retrain.train`,
 * `retrain.decide`, `retrain.publish`); an error marks the span failed and is rethrown.
 */
export function tracePhase<T>(name: string, state: JobState, work: () => Promise<T>): Promise<T> {
  return withSpan(tracer(), name, { 'ratchet.model': state.model, 'ratchet.job_id': state.jobId }, () => work());
}
