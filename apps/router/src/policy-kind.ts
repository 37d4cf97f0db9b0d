import type { Policy } from '@ratchet/contracts';

/** The kinds of routing policy. */
export type PolicyKind = 'single' | 'split' | 'shadow' | 'ensemble' | 'pareto';

export const POLICY_KINDS: readonly PolicyKind[] = ['single', 'split', 'shadow', 'ensemble', 'pareto'];

/** The kinds a policy sets (exactly one in a valid policy). */
export function policyKinds(p: Policy): PolicyKind[] {
  return POLICY_KINDS.filter((k) => p[k] !== undefined);
}

/** The one kind of a valid policy. */
export function policyKind(p: Policy): PolicyKind {
  const k = policyKinds(p)[0];
  if (!k) throw new Error('policy has no kind');
  return k;
}

/** The policy of a model that has none: its default version (the newest the prediction service has). */
export const DEFAULT_POLICY: Policy = {
  single: { version: '' },
  split: undefined,
  shadow: undefined,
  ensemble: undefined,
  pareto: undefined,
  fallback: [],
  memberDeadlineMs: 0,
};

/** Default output of a Pareto composite that says which arm answered each row. */
export const DEFAULT_ARM_OUTPUT = 'arm';

/** Default model name of a stacking meta-model: `<model>-meta`. */
export function defaultMetaModel(model: string): string {
  return `${model}-meta`;
}
