import { EnsembleStrategy, type Policy } from '@ratchet/contracts';
import { DEFAULT_ARM_OUTPUT, DEFAULT_POLICY, defaultMetaModel, policyKind } from './policy-kind.js';

/** Options of `ratchet deploy` that shape a policy. */
export interface PolicyTextOptions {
  /** split: request parameter that pins callers to arms. */
  readonly sticky?: string;
  /** shadow: share of requests mirrored. */
  readonly share?: number;
  /** shadow: mirror call deadline. */
  readonly mirrorDeadlineMs?: number;
  /** ensemble boosting: stage weights. */
  readonly weights?: readonly number[];
  /** ensemble stacking: `version` or `model@version` of the meta-model. */
  readonly meta?: string;
  /** pareto: the composite's arm output. */
  readonly armOutput?: string;
  readonly fallback?: readonly string[];
  readonly deadlineMs?: number;
}

const STRATEGIES: Record<string, EnsembleStrategy> = {
  bagging: EnsembleStrategy.BAGGING,
  vote: EnsembleStrategy.VOTE,
  boosting: EnsembleStrategy.BOOSTING,
  stacking: EnsembleStrategy.STACKING,
};

const empty = (): Policy => ({ ...DEFAULT_POLICY, single: undefined, fallback: [] });

/**
 * Builds a policy from `ratchet deploy` words, e.g. `single 1.0.0`, `split 1.0.0=90 1.1.0=10`,
 * `shadow 1.0.0 1.1.0`, `ensemble bagging 1.0.0 1.1.0 1.2.0`, `pareto 2.0.0`. Shape errors
 * throw with the word at fault; the router validates the rest (versions in the registry).
 */
export function policyFromWords(model: string, kind: string, args: readonly string[], o: PolicyTextOptions = {}): Policy {
  const p = empty();
  const need = (n: number, usage: string) => {
    if (args.length < n) throw new Error(`${kind} needs ${usage}`);
  };
  switch (kind) {
    case 'single':
      p.single = { version: args[0] ?? '' };
      break;
    case 'split':
      need(1, 'arms as version=weight (e.g. 1.0.0=90 1.1.0=10)');
      p.split = {
        arms: args.map((a) => {
          const m = /^([^=]+)=([0-9.eE+-]+)$/.exec(a);
          const weight = m ? Number(m[2]) : Number.NaN;
          if (!m || !Number.isFinite(weight)) throw new Error(`split arm '${a}' is not version=weight`);
          return { version: m[1] as string, weight, name: '', policy: undefined };
        }),
        stickyKey: o.sticky ?? '',
      };
      break;
    case 'shadow':
      need(2, '<primary> <mirror>');
      p.shadow = { primary: args[0] as string, mirror: args[1] as string, share: o.share ?? 1, mirrorDeadlineMs: o.mirrorDeadlineMs ?? 0 };
      break;
    case 'ensemble': {
      need(3, 'a strategy (bagging|vote|boosting|stacking) and at least two versions');
      const strategy = STRATEGIES[args[0] as string];
      if (strategy === undefined) throw new Error(`unknown ensemble strategy '${args[0]}' (bagging, vote, boosting, stacking)`);
      const meta = o.meta ?? '';
      const at = meta.lastIndexOf('@');
      p.ensemble = {
        members: args.slice(1),
        strategy,
        stageWeights: [...(o.weights ?? [])],
        metaModel: at > 0 ? meta.slice(0, at) : meta ? defaultMetaModel(model) : '',
        metaVersion: at > 0 ? meta.slice(at + 1) : meta,
      };
      break;
    }
    case 'pareto':
      need(1, '<composite-version>');
      p.pareto = { version: args[0] as string, armOutput: o.armOutput ?? '' };
      break;
    default:
      throw new Error(`unknown policy '${kind}' (single, split, shadow, ensemble, pareto)`);
  }
  p.fallback = [...(o.fallback ?? [])];
  p.memberDeadlineMs = o.deadlineMs ?? 0;
  return p;
}

/** One line describing a policy, e.g. `split 1.0.0=90 1.1.0=10 sticky=user_id; fallback 1.0.0`. */
export function describePolicy(p: Policy): string {
  const kind = policyKind(p);
  let text: string;
  if (p.single) text = `single ${p.single.version || '(default version)'}`;
  else if (p.split) {
    const arms = p.split.arms.map((a) => `${a.name || a.version}=${a.weight}${a.policy ? ` [${describePolicy(a.policy)}]` : ''}`);
    text = `split ${arms.join(' ')}${p.split.stickyKey ? ` sticky=${p.split.stickyKey}` : ''}`;
  } else if (p.shadow) text = `shadow ${p.shadow.primary} mirror ${p.shadow.mirror} share=${p.shadow.share}`;
  else if (p.ensemble) {
    const e = p.ensemble;
    const name = Object.keys(STRATEGIES).find((k) => STRATEGIES[k] === e.strategy) ?? 'unspecified';
    text = `ensemble ${name} ${e.members.join(' ')}`;
    if (e.stageWeights.length > 0) text += ` weights=${e.stageWeights.join(',')}`;
    if (e.metaVersion) text += ` meta=${e.metaModel}@${e.metaVersion}`;
  } else if (p.pareto) text = `pareto ${p.pareto.version} arm-output=${p.pareto.armOutput || DEFAULT_ARM_OUTPUT}`;
  else text = kind;
  if (p.fallback.length > 0) text += `; fallback ${p.fallback.join(' → ')}`;
  if (p.memberDeadlineMs > 0) text += `; deadline ${p.memberDeadlineMs} ms`;
  return text;
}
