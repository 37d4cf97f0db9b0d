import { status } from '@grpc/grpc-js';
import { EnsembleStrategy, type Policy } from '@ratchet/contracts';
import { type ModelVersionRecord, assertModelName, isSemver } from '@ratchet/registry';
import { type GrpcError, grpcError } from '@ratchet/service-kit';
import { DEFAULT_ARM_OUTPUT, defaultMetaModel, policyKinds } from './policy-kind.js';

/** What validation reads from the model registry. */
export interface VersionLookup {
  get(model: string, version: string): Promise<ModelVersionRecord | undefined>;
  versions(model: string): Promise<string[]>;
}

/** Manifest format of a composite (gated pair) version exported by libs/pareto. */
export const COMPOSITE_FORMAT = 'onnx-composite';

const MAX_ARMS = 64;
const MAX_MEMBERS = 16;
const META_INPUT = /^member_(\d+)(?:_(\d+))?$/;

const invalid = (model: string, msg: string): GrpcError => grpcError(status.INVALID_ARGUMENT, `policy for '${model}': ${msg}`);

/**
 * Checks a policy before it is published: its shape (one kind; weights finite, non-negative,
 * summing to more than 0; shares in [0, 1]; enough ensemble members; stage weights matching
 * members) → INVALID_ARGUMENT; every version it names exists in the registry → NOT_FOUND;
 * versions fit their role (a pareto version is a composite that has the arm output; a stacking
 * meta-model takes member_<i> inputs) → FAILED_PRECONDITION. Throws a gRPC error saying which
 * field of which policy is wrong; returns the versions it references as `model@version`.
 */
export async function validatePolicy(model: string, policy: Policy | undefined, registry: VersionLookup): Promise<string[]> {
  try {
    assertModelName(model);
  } catch (err) {
    throw grpcError(status.INVALID_ARGUMENT, err instanceof Error ? err.message : String(err));
  }
  if (!policy) throw invalid(model, 'no policy given');
  const refs: { model: string; version: string; role: string }[] = [];
  checkShape(model, policy, refs, 0);
  for (const v of policy.fallback) {
    if (!isSemver(v)) throw invalid(model, `fallback version ${JSON.stringify(v)} is not a semantic version`);
    refs.push({ model, version: v, role: 'fallback' });
  }
  if (policy.memberDeadlineMs > 600_000) throw invalid(model, `member_deadline_ms ${policy.memberDeadlineMs} is over 600000`);

  const known = await registry.versions(model);
  if (known.length === 0) throw grpcError(status.NOT_FOUND, `model '${model}' is not in the registry`);
  const records = new Map<string, ModelVersionRecord>();
  for (const ref of refs) {
    if (ref.version === '') continue;
    const rec = await registry.get(ref.model, ref.version);
    if (!rec) throw grpcError(status.NOT_FOUND, `policy for '${model}': ${ref.role} ${ref.model}@${ref.version} is not in the registry`);
    records.set(`${ref.model}@${ref.version}`, rec);
  }
  await checkRoles(model, policy, records);
  return refs.map((r) => `${r.model}@${r.version || '(default)'}`);
}

function checkVersion(model: string, v: string, what: string, refs: { model: string; version: string; role: string }[], target = model): void {
  if (!isSemver(v)) throw invalid(model, `${what} ${JSON.stringify(v)} is not a semantic version`);
  refs.push({ model: target, version: v, role: what });
}

function checkShape(model: string, p: Policy, refs: { model: string; version: string; role: string }[], depth: number): void {
  const kinds = policyKinds(p);
  if (kinds.length !== 1) {
    throw invalid(model, kinds.length === 0 ? 'set one of single, split, shadow, ensemble, pareto' : `sets ${kinds.join(' and ')}; set exactly one`);
  }
  if (p.single) {
    if (p.single.version !== '') checkVersion(model, p.single.version, 'version', refs);
    else refs.push({ model, version: '', role: 'version' });
  } else if (p.split) {
    if (depth > 0) throw invalid(model, 'a split arm cannot itself be a split');
    const arms = p.split.arms;
    if (arms.length < 1 || arms.length > MAX_ARMS) throw invalid(model, `split needs 1 to ${MAX_ARMS} arms, got ${arms.length}`);
    const names = new Set<string>();
    let total = 0;
    arms.forEach((a, i) => {
      if (!Number.isFinite(a.weight) || a.weight < 0) throw invalid(model, `split arm ${i} has weight ${a.weight}; weights must be finite and ≥ 0`);
      total += a.weight;
      if (a.policy && a.version) throw invalid(model, `split arm ${i} sets both a version and a policy`);
      if (a.policy) {
        if (!a.name) throw invalid(model, `split arm ${i} has a policy but no name`);
        if (a.policy.fallback.length > 0) throw invalid(model, `split arm '${a.name}' has its own fallback; put the fallback on the split`);
        checkShape(model, a.policy, refs, depth + 1);
      } else checkVersion(model, a.version, `split arm ${i} version`, refs);
      const name = a.name || a.version;
      if (names.has(name)) throw invalid(model, `split has two arms named '${name}'`);
      names.add(name);
    });
    if (!(total > 0)) throw invalid(model, 'split weights sum to 0; give at least one arm a positive weight');
    if (p.split.stickyKey !== '' && !/^[A-Za-z0-9_.-]{1,64}$/.test(p.split.stickyKey)) {
      throw invalid(model, `sticky_key ${JSON.stringify(p.split.stickyKey)} is not a parameter name`);
    }
  } else if (p.shadow) {
    const s = p.shadow;
    checkVersion(model, s.primary, 'shadow primary', refs);
    checkVersion(model, s.mirror, 'shadow mirror', refs);
    if (!(s.share >= 0 && s.share <= 1)) throw invalid(model, `shadow share ${s.share} is outside [0, 1]`);
  } else if (p.ensemble) {
    const e = p.ensemble;
    if (e.members.length < 2 || e.members.length > MAX_MEMBERS) throw invalid(model, `ensemble needs 2 to ${MAX_MEMBERS} members, got ${e.members.length}`);
    e.members.forEach((v, i) => checkVersion(model, v, `ensemble member ${i}`, refs));
    if (e.strategy === EnsembleStrategy.ENSEMBLE_STRATEGY_UNSPECIFIED || EnsembleStrategy[e.strategy] === undefined) {
      throw invalid(model, 'ensemble strategy must be BAGGING, VOTE, BOOSTING or STACKING');
    }
    if (e.stageWeights.length > 0) {
      if (e.strategy !== EnsembleStrategy.BOOSTING) throw invalid(model, 'stage_weights apply to BOOSTING only');
      if (e.stageWeights.length !== e.members.length) {
        throw invalid(model, `boosting has ${e.members.length} members but ${e.stageWeights.length} stage weights`);
      }
      if (e.stageWeights.some((w) => !Number.isFinite(w))) throw invalid(model, 'stage weights must be finite');
    }
    if (e.strategy === EnsembleStrategy.STACKING) {
      if (!e.metaVersion) throw invalid(model, 'STACKING needs meta_version');
      checkVersion(model, e.metaVersion, 'stacking meta-model', refs, e.metaModel || defaultMetaModel(model));
    } else if (e.metaVersion || e.metaModel) throw invalid(model, 'meta_model and meta_version apply to STACKING only');
  } else if (p.pareto) {
    checkVersion(model, p.pareto.version, 'pareto composite', refs);
  }
}

async function checkRoles(model: string, p: Policy, records: Map<string, ModelVersionRecord>): Promise<void> {
  if (p.pareto) {
    const rec = records.get(`${model}@${p.pareto.version}`);
    const armOutput = p.pareto.armOutput || DEFAULT_ARM_OUTPUT;
    if (rec && rec.manifest.format !== COMPOSITE_FORMAT) {
      throw grpcError(
        status.FAILED_PRECONDITION,
        `policy for '${model}': pareto needs a composite version (manifest format '${COMPOSITE_FORMAT}'), but ${model}@${p.pareto.version} is '${rec.manifest.format || 'onnx'}'`,
      );
    }
    if (rec && rec.manifest.outputs.length > 0 && !rec.manifest.outputs.some((o) => o.name === armOutput)) {
      throw grpcError(status.FAILED_PRECONDITION, `policy for '${model}': composite ${model}@${p.pareto.version} has no output '${armOutput}'`);
    }
  }
  const e = p.ensemble;
  if (e && e.strategy === EnsembleStrategy.STACKING) {
    const metaModel = e.metaModel || defaultMetaModel(model);
    const rec = records.get(`${metaModel}@${e.metaVersion}`);
    for (const input of rec?.manifest.inputs ?? []) {
      const m = META_INPUT.exec(input.name);
      if (!m || Number(m[1]) >= e.members.length) {
        throw grpcError(
          status.FAILED_PRECONDITION,
          `policy for '${model}': meta-model ${metaModel}@${e.metaVersion} takes input '${input.name}', but a stacking meta-model over ${e.members.length} members takes member_0..member_${e.members.length - 1}`,
        );
      }
    }
  }
  for (const arm of p.split?.arms ?? []) if (arm.policy) await checkRoles(model, arm.policy, records);
}
