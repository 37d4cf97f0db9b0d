import type { Command } from 'commander';
import { type RolloutEvent, RolloutEventKind, Topics, rolloutEventKindToJSON } from '@ratchet/contracts';
import { RolloutController, RolloutStateStore, defaultRolloutControllerSettings, defaultRolloutCriteria, grpcRouterAdmin } from '@ratchet/retrainer';
import { createLogger } from '@ratchet/service-kit';
import { intOption, numberOption } from '../options.js';
import { openBus } from '../runtime.js';
import { DEFAULT_ROUTER_URL } from './deploy.js';

interface RolloutOpts {
  router: string;
  share: number;
  stable?: string;
  sticky?: string;
  minSample: number;
  alpha: number;
  tolerance: number;
  timeout: number;
  state: string;
}

/** One line for a rollout event. */
export function formatRolloutEvent(e: RolloutEvent): string {
  const kind = rolloutEventKindToJSON(e.kind).replace('ROLLOUT_EVENT_KIND_', '').toLowerCase();
  const parts = [`${e.model} rollout ${e.stable} → ${e.canary} (${e.share}): ${kind}`];
  if (e.stableCount > 0 || e.canaryCount > 0) {
    parts.push(`accuracy ${e.stableAccuracy.toFixed(4)} (${e.stableCount} rows) vs ${e.canaryAccuracy.toFixed(4)} (${e.canaryCount} rows), p = ${e.pValue.toPrecision(3)}`);
  }
  if (e.reason) parts.push(e.reason);
  return parts.join(' · ');
}

/**
 * Registers `ratchet rollout <model> <canary-version>`: runs one canary rollout in the
 * foreground (the retrainer's rollout controller) against the router's admin API, reading the
 * monitor's `ratchet.metrics.v1` over KAFKA_BROKERS, until it is promoted, rolled back or aborted.
 */
export function registerRollout(program: Command): void {
  program
    .command('rollout')
    .description('roll a version out as a canary and promote or roll it back on the monitor\'s live comparison (needs KAFKA_BROKERS)')
    .argument('<model>', 'model name')
    .argument('<canary-version>', 'the version to roll out')
    .option('--router <host:port>', 'gRPC address of the router', DEFAULT_ROUTER_URL)
    .option('--share <fraction>', 'share of traffic on the canary', numberOption, defaultRolloutControllerSettings.canaryShare)
    .option('--stable <version>', 'the version serving now (default: the version of the current single policy)')
    .option('--sticky <param>', 'request parameter that pins a caller to an arm, e.g. user_id')
    .option('--min-sample <rows>', 'labelled rows each arm needs before a verdict', intOption, defaultRolloutCriteria.minSamplePerArm)
    .option('--alpha <α>', 'significance level of the regression test', numberOption, defaultRolloutCriteria.alpha)
    .option('--tolerance <drop>', 'accuracy drop tolerated', numberOption, defaultRolloutCriteria.tolerance)
    .option('--timeout <ms>', 'roll back when there is still not enough data after this long', intOption, defaultRolloutCriteria.timeoutMs)
    .option('--state <dir>', 'where the rollout state is kept (a rerun resumes it)', './var/rollouts-cli')
    .action(async (model: string, canary: string, o: RolloutOpts) => {
      if (!process.env['KAFKA_BROKERS']) throw new Error('KAFKA_BROKERS is not set: `ratchet rollout` reads the monitor\'s metrics over Kafka');
      const logger = createLogger({ name: 'ratchet-rollout', level: 'warn' });
      const bus = await openBus('ratchet-cli-rollout', { logger });
      const admin = grpcRouterAdmin(o.router);
      const controller = new RolloutController(
        {
          ...defaultRolloutControllerSettings,
          canaryShare: o.share,
          stickyKey: o.sticky ?? '',
          criteria: { minSamplePerArm: o.minSample, alpha: o.alpha, tolerance: o.tolerance, timeoutMs: o.timeout },
          groupId: `ratchet-cli-rollout-${model}`,
          updatedBy: 'ratchet rollout',
        },
        {
          admin,
          bus,
          states: new RolloutStateStore(o.state),
          logger,
          emit: (e) => {
            process.stdout.write(`${formatRolloutEvent(e)}\n`);
            void bus.publish(Topics.rollouts, e).catch((error: unknown) => logger.warn('rollout event not published', { error }));
          },
        },
      );
      const timer = setInterval(() => void controller.tick().catch((error: unknown) => logger.error('timeout check failed', { error })), 5_000);
      try {
        const settled = controller.settled(model);
        await controller.start();
        const resumed = controller.active().find((s) => s.model === model && s.canary === canary);
        if (!resumed) await controller.startRollout({ model, canary, share: o.share, ...(o.stable ? { stable: o.stable } : {}) });
        const end = await settled;
        if (end.kind !== RolloutEventKind.ROLLOUT_EVENT_KIND_PROMOTED) process.exitCode = 3;
      } finally {
        clearInterval(timer);
        await controller.stop();
        await bus.flush();
        admin.close();
        await bus.close();
      }
    });
}
