import { Command, CommanderError } from 'commander';
import { ConfigError } from '@ratchet/service-kit';
import { registerCompare } from './commands/compare.js';
import { registerDemo } from './commands/demo.js';
import { registerDeploy } from './commands/deploy.js';
import { registerFeedback } from './commands/feedback.js';
import { registerGate } from './commands/gate.js';
import { registerKafka } from './commands/kafka.js';
import { registerPredict } from './commands/predict.js';
import { registerPolicies } from './commands/policies.js';
import { registerImport } from './commands/import.js';
import { registerPublish } from './commands/publish.js';
import { registerRetrain } from './commands/retrain.js';
import { registerServe } from './commands/serve.js';
import { registerSvml } from './commands/svml.js';
import { registerTrain } from './commands/train.js';
import { registerRollout } from './commands/rollout.js';
import { registerTraces } from './commands/traces.js';
import { registerUp } from './commands/up.js';

const program = new Command('ratchet')
  .description('Ratchet: deploy, watch and retrain ML models so that every update moves forward')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();
for (const register of [registerDemo, registerServe, registerPublish, registerPredict, registerDeploy, registerPolicies, registerKafka, registerCompare, registerGate, registerTrain, registerSvml, registerFeedback, registerRetrain, registerImport, registerRollout, registerTraces]) register(program);
registerUp(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`ratchet: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
