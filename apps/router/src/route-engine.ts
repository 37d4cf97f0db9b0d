import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { type Span, context, trace } from '@opentelemetry/api';
import {
  EnsembleStrategy,
  type MemberCall,
  type Policy,
  type PredictionLogged,
  type TensorElements,
  encodeRawTensor,
  encodeTypedContents,
  type oip,
  rawEventTensor,
} from '@ratchet/contracts';
import { buildInferRequest } from '@ratchet/inference-client';
import { type Logger, grpcError, injectIntoCarrier, withSpan } from '@ratchet/service-kit';
import type { BreakerBoard } from './circuit-breaker.js';
import { bagging, boosting, labelsOf, stackingColumns, vote } from './ensemble-combine.js';
import { MemberError, toMemberError } from './member-error.js';
import type { MemberPool } from './member-pool.js';
import { type CheckedOutputs, InvalidOutputError, checkOutputs, requestRows } from './output-check.js';
import { DEFAULT_ARM_OUTPUT, DEFAULT_POLICY, defaultMetaModel, policyKind } from './policy-kind.js';
import type { PolicyStore } from './policy-store.js';
import type { RouterMetrics } from './router-metrics.js';
import { rendezvousPick, weightedPick } from './sticky-hash.js';

/** Where route records go; `offer` returns at once and never throws. */
export interface RouteSink {
  offer(record: PredictionLogged): void;
}

export interface RouteEngineOptions {
  readonly pool: MemberPool;
  readonly store: PolicyStore;
  readonly breakers: BreakerBoard;
  /** Deadline of a member call when the policy sets none. */
  readonly memberDeadlineMs: number;
  readonly routerId: string;
  readonly sink?: RouteSink;
  readonly metrics?: RouterMetrics;
  readonly logger: Logger;
  /** Uniform [0,1) source for random split arms and shadow sampling (seed it in tests). */
  readonly random?: () => number;
}

/** Per-request state: the members called and why fallback happened. */
interface RouteState {
  readonly req: oip.ModelInferRequest;
  readonly model: string;
  readonly rows: number;
  /** Absolute time (ms) the client stops waiting; Infinity without a deadline. */
  readonly deadlineAt: number;
  readonly memberDeadlineMs: number;
  readonly members: MemberCall[];
  readonly background: Promise<unknown>[];
  readonly reasons: string[];
}

/** A policy's answer to a request. */
interface Answer {
  readonly response: oip.ModelInferResponse;
  /** The version(s) that answered. */
  readonly version: string;
  readonly arm: string;
  readonly rowArms?: readonly number[];
  /** Outputs the router computed itself (ensembles), logged in the route record. */
  readonly computed?: readonly { name: string; datatype: string; shape: number[]; data: TensorElements }[];
}

interface CallOptions {
  readonly model?: string;
  readonly request?: oip.ModelInferRequest;
  readonly deadlineMs?: number;
  /** The mirror outlives the client's deadline: the client is not waiting for it. */
  readonly ignoreClientDeadline?: boolean;
  readonly bypassBreaker?: boolean;
  /** Extra checks of the outputs; throw InvalidOutputError to refuse them. */
  readonly check?: (checked: CheckedOutputs) => void;
}

const tracer = trace.getTracer('ratchet.router');
const STRATEGY_NAMES: Record<number, string> = {
  [EnsembleStrategy.BAGGING]: 'bagging',
  [EnsembleStrategy.VOTE]: 'vote',
  [EnsembleStrategy.BOOSTING]: 'boosting',
  [EnsembleStrategy.STACKING]: 'stacking',
};

const single = (version: string): Policy => ({ ...DEFAULT_POLICY, single: { version } });

function parameterText(p: oip.InferParameter | undefined): string | undefined {
  if (!p) return undefined;
  const v = p.stringParam ?? p.int64Param ?? p.uint64Param ?? p.doubleParam ?? p.boolParam;
  return v === undefined || v === '' ? undefined : String(v);
}

/**
 * The routing core: picks the member(s) a request's policy names, calls them over pooled gRPC
 * channels with deadlines, checks and combines their outputs, walks the fallback chain on
 * failure, and logs one route record per request (after any shadow call has settled, never
 * before the response).
 */
export class RouteEngine {
  private readonly random: () => number;

  constructor(private readonly o: RouteEngineOptions) {
    this.random = o.random ?? Math.random;
  }

  /**
   * Routes one request. A request naming a version goes to exactly that version ("direct");
   * a model without a policy goes to its default version. `deadlineAt` is the client's deadline.
   */
  async route(req: oip.ModelInferRequest, deadlineAt = Number.POSITIVE_INFINITY): Promise<oip.ModelInferResponse> {
    const t0 = performance.now();
    if (!req.modelName) throw grpcError(status.INVALID_ARGUMENT, 'model_name is required');
    if (req.inputs.length === 0) throw grpcError(status.INVALID_ARGUMENT, `${req.modelName}: the request has no inputs`);
    const model = req.modelName;
    const id = req.id || randomUUID();
    const stored = req.modelVersion ? undefined : this.o.store.policy(model);
    const policy = req.modelVersion ? single(req.modelVersion) : (stored ?? DEFAULT_POLICY);
    const policyName = req.modelVersion ? 'direct' : stored ? policyKind(stored) : 'default';
    const state: RouteState = {
      req: req.id === id ? req : { ...req, id },
      model,
      rows: requestRows(req),
      deadlineAt,
      memberDeadlineMs: policy.memberDeadlineMs || this.o.memberDeadlineMs,
      members: [],
      background: [],
      reasons: [],
    };
    return withSpan(tracer, 'router.route', { 'ratchet.model': model, 'ratchet.policy': policyName, 'ratchet.request_id': id }, async (span) => {
      let answer: Answer | undefined;
      let code = 'OK';
      try {
        answer = await this.answer(policy, state);
        span.setAttribute('ratchet.arm', answer.arm);
        return { ...answer.response, id, modelName: model };
      } catch (err) {
        const e = err instanceof MemberError ? grpcError(err.code, err.message) : err;
        code = status[(e as { code?: number }).code ?? status.INTERNAL] ?? 'INTERNAL';
        throw e;
      } finally {
        const latencyMs = performance.now() - t0;
        this.o.metrics?.requests.inc({ model, policy: policyName, code });
        this.o.metrics?.latency.observe({ model, policy: policyName }, latencyMs / 1000);
        if (state.reasons.length > 0) this.o.metrics?.fallbacks.inc({ model });
        this.log(state, policyName, answer, latencyMs, span);
      }
    });
  }

  private async answer(policy: Policy, s: RouteState): Promise<Answer> {
    const failures: MemberError[] = [];
    const attempt = async (p: Policy, role: string | undefined): Promise<Answer | undefined> => {
      try {
        return await this.execute(p, s, role);
      } catch (err) {
        const e = toMemberError(err, s.model, s.memberDeadlineMs);
        if (e.clientFault) throw e;
        failures.push(e);
        s.reasons.push(e.message);
        return undefined;
      }
    };
    const first = await attempt(policy, undefined);
    if (first) return first;
    for (const v of policy.fallback) {
      const a = await attempt(single(v), 'fallback');
      if (a) return { ...a, arm: `fallback:${a.version}` };
    }
    // Every path failed, but some members were skipped by an open circuit: better a slow
    // answer from one of them than none.
    const skipped = failures.find((f) => f.options.skipped && f.options.version !== undefined);
    if (skipped) {
      try {
        const { res } = await this.call(s, skipped.options.version as string, 'last-resort', { bypassBreaker: true });
        return { response: res, version: res.modelVersion, arm: `last-resort:${res.modelVersion}` };
      } catch (err) {
        const e = toMemberError(err, s.model, s.memberDeadlineMs);
        if (e.clientFault) throw e;
        failures.push(e);
      }
    }
    const codes = new Set(failures.map((f) => f.code));
    const code = codes.size === 1 ? (failures[0] as MemberError).code : status.UNAVAILABLE;
    throw grpcError(code, `${s.model}: no member could answer: ${failures.map((f) => f.message).join('; ')}`);
  }

  private async execute(p: Policy, s: RouteState, role: string | undefined): Promise<Answer> {
    if (p.single) {
      const { res } = await this.call(s, p.single.version, role ?? 'primary');
      return { response: res, version: res.modelVersion || p.single.version, arm: p.single.version || 'default' };
    }
    if (p.split) {
      const arms = p.split.arms.map((a) => ({ name: a.name || a.version, weight: a.weight }));
      const key = p.split.stickyKey ? parameterText(s.req.parameters[p.split.stickyKey]) : undefined;
      const arm = p.split.arms[key === undefined ? weightedPick(arms, this.random()) : rendezvousPick(arms, key)];
      if (!arm) throw new MemberError(status.INTERNAL, 'INTERNAL', `${s.model}: split has no arms`, s.model);
      const name = arm.name || arm.version;
      if (arm.policy) return { ...(await this.execute(arm.policy, s, role ?? 'arm')), arm: name };
      const { res } = await this.call(s, arm.version, role ?? 'arm');
      return { response: res, version: res.modelVersion, arm: name };
    }
    if (p.shadow) {
      const sh = p.shadow;
      if (sh.share > 0 && this.random() < sh.share) {
        const mirror = this.call(s, sh.mirror, 'shadow', { deadlineMs: sh.mirrorDeadlineMs || s.memberDeadlineMs, ignoreClientDeadline: true });
        // Never awaited by the response: only the route record waits for it.
        s.background.push(mirror.catch(() => undefined));
      }
      const { res } = await this.call(s, sh.primary, role ?? 'primary');
      return { response: res, version: res.modelVersion, arm: sh.primary };
    }
    if (p.ensemble) return this.ensemble(p, s);
    if (p.pareto) {
      const armOutput = p.pareto.armOutput || DEFAULT_ARM_OUTPUT;
      let rowArms: number[] = [];
      const { res } = await this.call(s, p.pareto.version, role ?? 'composite', {
        check: (c) => {
          const arm = c.output(armOutput);
          if (!arm) throw new InvalidOutputError(`the composite has no output '${armOutput}'`);
          rowArms = Array.from(arm.data as ArrayLike<number | bigint>, (v) => Number(v));
          if (rowArms.length !== s.rows || rowArms.some((a) => a !== 0 && a !== 1)) {
            throw new InvalidOutputError(`output '${armOutput}' must hold 0 or 1 per row`);
          }
        },
      });
      const candidates = rowArms.reduce((n, a) => n + a, 0);
      const arm = candidates === 0 ? 'production' : candidates === rowArms.length ? 'candidate' : 'mixed';
      return { response: res, version: res.modelVersion, arm, rowArms };
    }
    throw new MemberError(status.INTERNAL, 'INTERNAL', `${s.model}: policy has no kind`, s.model);
  }

  private async ensemble(p: Policy, s: RouteState): Promise<Answer> {
    const e = p.ensemble as NonNullable<Policy['ensemble']>;
    const strategy = STRATEGY_NAMES[e.strategy] ?? 'ensemble';
    const wanted = s.req.outputs.map((o) => o.name);
    const unknown = wanted.filter((n) => n !== 'label' && n !== 'probabilities');
    if (unknown.length > 0) {
      throw new MemberError(status.INVALID_ARGUMENT, 'INVALID_ARGUMENT', `${s.model}: an ensemble answers label and probabilities, not ${unknown.join(', ')}`, s.model, { clientFault: true });
    }
    const memberReq: oip.ModelInferRequest = { ...s.req, outputs: [] };
    const needProba = (c: CheckedOutputs) => {
      if (!c.probabilities) throw new InvalidOutputError("an ensemble member must answer 'probabilities'");
    };
    const settled = await Promise.allSettled(e.members.map((v) => this.call(s, v, 'member', { request: memberReq, check: needProba })));
    const ok: { version: string; probabilities: Float32Array; classes: number }[] = [];
    const failed: MemberError[] = [];
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled') ok.push({ version: r.value.res.modelVersion, probabilities: r.value.checked.probabilities as Float32Array, classes: r.value.checked.classes });
      else failed.push(toMemberError(r.reason, `${s.model}@${e.members[i]}`, s.memberDeadlineMs));
    });
    const clientFault = failed.find((f) => f.clientFault);
    if (clientFault) throw clientFault;
    const classes = ok[0]?.classes ?? 0;
    if (ok.some((m) => m.classes !== classes)) {
      throw new MemberError(status.UNAVAILABLE, 'INVALID_OUTPUT', `${s.model}: ${strategy} members disagree on the number of classes (${ok.map((m) => `${m.version}: ${m.classes}`).join(', ')})`, s.model);
    }
    // Bagging and voting degrade gracefully; boosting and stacking are meaningless without every stage.
    const needAll = e.strategy === EnsembleStrategy.BOOSTING || e.strategy === EnsembleStrategy.STACKING;
    if (ok.length === 0 || (needAll && failed.length > 0)) {
      throw new MemberError(
        failed.length > 0 && failed.every((f) => f.code === (failed[0] as MemberError).code) ? (failed[0] as MemberError).code : status.UNAVAILABLE,
        'ENSEMBLE_FAILED',
        `${s.model}: ${strategy} ensemble lost ${failed.length} of ${e.members.length} members (${failed.map((f) => f.message).join('; ')})`,
        s.model,
      );
    }
    if (failed.length > 0) s.reasons.push(`${strategy} combined ${ok.length} of ${e.members.length} members: ${failed.map((f) => f.message).join('; ')}`);
    const shape = { rows: s.rows, classes };
    const probs = ok.map((m) => m.probabilities);
    let probabilities: Float32Array;
    let labels: BigInt64Array;
    if (e.strategy === EnsembleStrategy.VOTE) ({ probabilities, labels } = vote(probs, shape));
    else {
      if (e.strategy === EnsembleStrategy.BAGGING) probabilities = bagging(probs, shape);
      else if (e.strategy === EnsembleStrategy.BOOSTING) probabilities = boosting(probs, e.stageWeights.length > 0 ? e.stageWeights : probs.map(() => 1), shape);
      else probabilities = await this.stack(e, s, probs, shape);
      labels = labelsOf(probabilities, shape);
    }
    const version = ok.map((m) => m.version).join('+');
    const computed = [
      { name: 'label', datatype: 'INT64', shape: [s.rows], data: labels as TensorElements },
      { name: 'probabilities', datatype: 'FP32', shape: [s.rows, classes], data: probabilities as TensorElements },
    ].filter((o) => wanted.length === 0 || wanted.includes(o.name));
    return { response: buildResponse(s, version, computed), version, arm: strategy, computed };
  }

  private async stack(
    e: NonNullable<Policy['ensemble']>,
    s: RouteState,
    probs: Float32Array[],
    shape: { rows: number; classes: number },
  ): Promise<Float32Array> {
    const metaModel = e.metaModel || defaultMetaModel(s.model);
    const request = buildInferRequest({
      model: metaModel,
      version: e.metaVersion,
      id: s.req.id,
      inputs: stackingColumns(probs, shape).map((c) => ({ name: c.name, datatype: 'FP32', values: c.values, shape: [shape.rows, 1] })),
    });
    const { checked } = await this.call(s, e.metaVersion, 'meta', {
      model: metaModel,
      request,
      check: (c) => {
        if (!c.probabilities) throw new InvalidOutputError("a stacking meta-model must answer 'probabilities'");
      },
    });
    return checked.probabilities as Float32Array;
  }

  /** Calls one member inside a child span, with the trace context in its metadata. */
  private async call(s: RouteState, version: string, role: string, o: CallOptions = {}): Promise<{ res: oip.ModelInferResponse; checked: CheckedOutputs }> {
    const model = o.model ?? s.model;
    const member = `${model}@${version || '(default)'}`;
    const breaker = this.o.breakers.get(member);
    if (!o.bypassBreaker && !breaker.tryAcquire()) {
      s.members.push({ model, version, role, latencyMs: 0, status: 'CIRCUIT_OPEN' });
      this.o.metrics?.memberCalls.inc({ model, version, role, status: 'CIRCUIT_OPEN' });
      throw new MemberError(status.UNAVAILABLE, 'CIRCUIT_OPEN', `${member}: circuit open after repeated failures`, member, { skipped: true, version });
    }
    const budget = o.ignoreClientDeadline ? Number.POSITIVE_INFINITY : s.deadlineAt - Date.now();
    const deadlineMs = Math.max(1, Math.min(o.deadlineMs ?? s.memberDeadlineMs, budget));
    const t0 = performance.now();
    let answered = version;
    let outcome = 'OK';
    try {
      return await withSpan(tracer, 'router.member', { 'ratchet.model': model, 'ratchet.version': version, 'ratchet.role': role }, async () => {
        const req = { ...(o.request ?? s.req), modelName: model, modelVersion: version };
        const res = await this.o.pool.client(model, version).inferRaw(req, injectIntoCarrier({}), deadlineMs);
        answered = res.modelVersion || version;
        const checked = checkOutputs(res, s.rows);
        o.check?.(checked);
        return { res, checked };
      });
    } catch (err) {
      const e = toMemberError(err, member, deadlineMs);
      outcome = e.outcome;
      // A request the member refused as malformed says nothing about the member's health.
      if (e.clientFault) breaker.success();
      else breaker.failure();
      throw e;
    } finally {
      if (outcome === 'OK') breaker.success();
      s.members.push({ model, version: answered, role, latencyMs: performance.now() - t0, status: outcome });
      this.o.metrics?.memberCalls.inc({ model, version: answered, role, status: outcome });
    }
  }

  private log(s: RouteState, policyName: string, answer: Answer | undefined, latencyMs: number, span: Span): void {
    const sink = this.o.sink;
    if (!sink) return;
    const traceId = span.spanContext().traceId;
    const ctx = trace.setSpan(context.active(), span);
    const emit = () => {
      const record: PredictionLogged = {
        requestId: s.req.id,
        model: s.model,
        version: answer?.version ?? '',
        rows: s.rows,
        inputs: [],
        outputs: (answer?.computed ?? []).map((t) => rawEventTensor(t.name, t.datatype, t.shape, t.data)),
        latencyMs,
        timestampMs: Date.now(),
        traceId: /^0+$/.test(traceId) ? '' : traceId,
        route: {
          policy: policyName,
          arm: answer?.arm ?? '',
          members: s.members,
          fallbackReason: s.reasons.join('; '),
          rowArms: answer?.rowArms ? [...answer.rowArms] : [],
          routerId: this.o.routerId,
        },
        serverId: this.o.routerId,
      };
      context.with(ctx, () => sink.offer(record));
    };
    // Encoding the record waits until the response has been handed to gRPC; with a shadow
    // call it waits for the mirror too, so the record holds the mirror's outcome.
    if (s.background.length === 0) setImmediate(emit);
    else void Promise.allSettled(s.background).then(emit);
  }
}

/** The OIP response of an ensemble, encoded the way the request was (raw or typed). */
function buildResponse(
  s: RouteState,
  version: string,
  outputs: readonly { name: string; datatype: string; shape: number[]; data: TensorElements }[],
): oip.ModelInferResponse {
  const raw = s.req.rawInputContents.length > 0;
  return {
    modelName: s.model,
    modelVersion: version,
    id: s.req.id,
    parameters: {},
    outputs: outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape, parameters: {}, contents: raw ? undefined : encodeTypedContents(t.datatype, t.data) })),
    rawOutputContents: raw ? outputs.map((t) => encodeRawTensor(t.data)) : [],
  };
}
