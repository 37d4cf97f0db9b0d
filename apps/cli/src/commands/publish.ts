import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ModelManifest, Topics } from '@ratchet/contracts';
import { FileRegistry } from '@ratchet/registry';
import { openBus } from '../runtime.js';

interface PublishOpts {
  registry: string;
  manifest?: string;
  announce: boolean;
}

/** `ratchet publish <model> <version> <file.onnx>`: store a version in the registry and announce it. */
export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('publish an ONNX model version to the registry and announce it on ratchet.models.v1')
    .argument('<model>', 'model name')
    .argument('<version>', 'semantic version, e.g. 1.2.0')
    .argument('<file>', 'the .onnx file')
    .option('--registry <dir>', 'registry folder', process.env.RATCHET_REGISTRY ?? './var/registry')
    .option('--manifest <file>', 'JSON manifest fields (inputs with allowNan, metrics, labels, maxBatchSize, ...)')
    .option('--no-announce', 'do not publish the ratchet.models.v1 event even when KAFKA_BROKERS is set')
    .action(async (model: string, version: string, file: string, o: PublishOpts) => {
      const artifact = new Uint8Array(await readFile(file));
      const manifest = o.manifest ? ModelManifest.fromJSON(JSON.parse(await readFile(o.manifest, 'utf8'))) : undefined;
      const bus = o.announce && process.env.KAFKA_BROKERS ? await openBus('ratchet-cli') : undefined;
      try {
        const registry = new FileRegistry({
          root: o.registry,
          ...(bus ? { onPublished: async (e) => void (await bus.publish(Topics.models, e)) } : {}),
        });
        const rec = await registry.publish({ model, version, artifact, ...(manifest ? { manifest } : {}) });
        process.stdout.write(
          `published ${rec.model}@${rec.version} (${rec.sizeBytes} bytes, sha256 ${rec.sha256.slice(0, 12)}…) to ${registry.root}` +
            (bus ? '; announced on ratchet.models.v1\n' : '\n'),
        );
      } finally {
        await bus?.close();
      }
    });
}
