import { readFile } from 'node:fs/promises';
import { userInfo, hostname } from 'node:os';
import { type ServiceError, credentials, status } from '@grpc/grpc-js';
import type { Command } from 'commander';
import { Policy, type PolicyUpdated, RouterAdminClient } from '@ratchet/contracts';
import { type PolicyTextOptions, describePolicy, policyFromWords } from '@ratchet/router';
import { intOption, numberOption } from '../options.js';

/** Default admin address of the router (`RATCHET_ROUTER_URL` overrides it). */
export const DEFAULT_ROUTER_URL = process.env.RATCHET_ROUTER_URL ?? '127.0.0.1:8011';

interface DeployOpts {
  router: string;
  sticky?: string;
  share?: number;
  mirrorDeadline?: number;
  weights?: string;
  meta?: string;
  armOutput?: string;
  fallback?: string;
  deadline?: number;
  file?: string;
  expectRevision?: number;
  delete?: boolean;
  json?: boolean;
}

type Admin = InstanceType<typeof RouterAdminClient>;

/** Calls one admin RPC; a gRPC failure becomes an Error carrying the status name and message. */
export function adminRpc<Req, Res>(admin: Admin, method: 'setPolicy' | 'getPolicy' | 'listPolicies' | 'deletePolicy', req: Req): Promise<Res> {
  const fn = admin[method].bind(admin) as unknown as (r: Req, cb: (err: ServiceError | null, res: Res) => void) => void;
  return new Promise((resolve, reject) =>
    fn(req, (err, res) => (err ? reject(new Error(`${status[err.code] ?? err.code}: ${err.details || err.message}`)) : resolve(res))),
  );
}

/** A connected admin client for a router address. */
export function routerAdmin(address: string): Admin {
  return new RouterAdminClient(address, credentials.createInsecure());
}

function whoAmI(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return 'ratchet-cli';
  }
}

/** The policy `ratchet deploy` describes: from `--file` (JSON) or from the kind and its words. */
export async function policyFromDeployArgs(model: string, kind: string | undefined, args: readonly string[], o: Omit<DeployOpts, 'router'>): Promise<Policy> {
  if (o.file) return Policy.fromJSON(JSON.parse(await readFile(o.file, 'utf8')));
  if (!kind) throw new Error('give a policy kind (single, split, shadow, ensemble, pareto) or --file policy.json');
  const options: PolicyTextOptions = {
    ...(o.sticky ? { sticky: o.sticky } : {}),
    ...(o.share !== undefined ? { share: o.share } : {}),
    ...(o.mirrorDeadline !== undefined ? { mirrorDeadlineMs: o.mirrorDeadline } : {}),
    ...(o.weights ? { weights: o.weights.split(',').map((w) => numberOption(w)) } : {}),
    ...(o.meta ? { meta: o.meta } : {}),
    ...(o.armOutput ? { armOutput: o.armOutput } : {}),
    ...(o.fallback ? { fallback: o.fallback.split(',').map((v) => v.trim()).filter(Boolean) } : {}),
    ...(o.deadline !== undefined ? { deadlineMs: o.deadline } : {}),
  };
  return policyFromWords(model, kind, args, options);
}

/** One line for a policy event. */
export function formatPolicyEvent(e: PolicyUpdated): string {
  const what = e.deleted || !e.policy ? 'deleted (default version)' : describePolicy(e.policy);
  return `${e.model}  rev ${e.revision}  ${what}  (by ${e.updatedBy}, ${new Date(e.updatedAtMs).toISOString()})`;
}

/** `ratchet deploy <model> <kind> …`: set (or delete) a model's routing policy on the router. */
export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description('set the routing policy of a model on the router: single, split, shadow, ensemble or pareto')
    .argument('<model>', 'model name')
    .argument('[kind]', 'single | split | shadow | ensemble | pareto')
    .argument('[args...]', 'single <v> | split <v>=<w> … | shadow <primary> <mirror> | ensemble <strategy> <v> <v> … | pareto <composite-v>')
    .option('--router <host:port>', 'gRPC address of the router', DEFAULT_ROUTER_URL)
    .option('--sticky <param>', 'split: request parameter that pins a caller to an arm, e.g. user_id')
    .option('--share <fraction>', 'shadow: share of requests mirrored (default 1)', numberOption)
    .option('--mirror-deadline <ms>', 'shadow: deadline of the mirror call', intOption)
    .option('--weights <w1,w2,…>', 'ensemble boosting: stage weights, one per member')
    .option('--meta <version|model@version>', 'ensemble stacking: the meta-model (default model <model>-meta)')
    .option('--arm-output <name>', 'pareto: output of the composite naming the arm (default arm)')
    .option('--fallback <v1,v2,…>', 'versions tried in order when the policy cannot answer')
    .option('--deadline <ms>', 'deadline of each member call', intOption)
    .option('--file <policy.json>', 'the policy as JSON (ratchet.v1.Policy), e.g. a split whose arms are ensembles')
    .option('--expect-revision <n>', 'apply only if the current revision is n', intOption)
    .option('--delete', "remove the model's policy (requests go to its default version)")
    .option('--json', 'print the applied event as JSON')
    .action(async (model: string, kind: string | undefined, args: string[], o: DeployOpts) => {
      const admin = routerAdmin(o.router);
      try {
        const event = o.delete
          ? await adminRpc<object, PolicyUpdated>(admin, 'deletePolicy', { model, updatedBy: whoAmI() })
          : await adminRpc<object, PolicyUpdated>(admin, 'setPolicy', {
              model,
              policy: await policyFromDeployArgs(model, kind, args, o),
              updatedBy: whoAmI(),
              expectedRevision: o.expectRevision ?? 0,
            });
        process.stdout.write(o.json ? `${JSON.stringify(policyEventJson(event), null, 2)}\n` : `${formatPolicyEvent(event)}\n`);
      } finally {
        admin.close();
      }
    });
}

/** A policy event as JSON (the policy in proto3 JSON form). */
export function policyEventJson(e: PolicyUpdated) {
  return { ...e, policy: e.policy ? Policy.toJSON(e.policy) : null };
}
