import type { Command } from 'commander';
import type { PolicyUpdated } from '@ratchet/contracts';
import { DEFAULT_ROUTER_URL, adminRpc, formatPolicyEvent, policyEventJson, routerAdmin } from './deploy.js';

/** `ratchet policies [model]`: show the routing policies the router applies. */
export function registerPolicies(program: Command): void {
  program
    .command('policies')
    .description('show the routing policies on the router')
    .argument('[model]', 'only this model')
    .option('--router <host:port>', 'gRPC address of the router', DEFAULT_ROUTER_URL)
    .option('--json', 'print the policies as JSON')
    .action(async (model: string | undefined, o: { router: string; json?: boolean }) => {
      const admin = routerAdmin(o.router);
      try {
        const events = model
          ? [await adminRpc<object, PolicyUpdated>(admin, 'getPolicy', { model })]
          : (await adminRpc<object, { policies: PolicyUpdated[] }>(admin, 'listPolicies', {})).policies;
        if (o.json) process.stdout.write(`${JSON.stringify(events.map(policyEventJson), null, 2)}\n`);
        else process.stdout.write(events.length === 0 ? 'no policies: every model is served by its default version\n' : `${events.map(formatPolicyEvent).join('\n')}\n`);
      } finally {
        admin.close();
      }
    });
}

