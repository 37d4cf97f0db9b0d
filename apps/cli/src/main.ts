import { Command, CommanderError } from 'commander';
import { ConfigError } from '@ratchet/service-kit';
import { registerDemo } from './commands/demo.js';
import { registerKafka } from './commands/kafka.js';
import { registerPredict } from './commands/predict.js';
import { registerPublish } from './commands/publish.js';
import { registerServe } from './commands/serve.js';

const program = new Command('ratchet')
  .description('Ratchet: deploy, watch and retrain ML models so that every update moves forward')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();
for (const register of [registerDemo, registerServe, registerPublish, registerPredict, registerKafka]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`ratchet: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
