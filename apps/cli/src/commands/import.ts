import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type AppendResult, FileBatchStore, tableRows } from '@ratchet/retrainer';
import { readLabelledCsv } from '../onnx-scoring.js';
import { intOption } from '../options.js';

/** Options of {@link importCsv}. */
export interface ImportOptions {
  readonly model: string;
  readonly label: string;
  readonly positive?: string;
  /** Batch store root. Default `./var/batches`. */
  readonly batches?: string;
  readonly batchRows?: number;
  /** Seal the last, partial batch (default true: imported data is complete). */
  readonly seal?: boolean;
}

/** What an import did. */
export interface ImportResult extends AppendResult {
  readonly droppedUnlabelled: number;
  readonly positiveClass: string;
  readonly batchIds: readonly string[];
}

/**
 * Bulk import of a labelled CSV into the retrainer's batch store, in file order (label 1 =
 * the positive class). Row keys come from the file's sha256, so importing the same file twice
 * adds nothing.
 */
export async function importCsv(csv: string, o: ImportOptions): Promise<ImportResult> {
  const bytes = await readFile(csv);
  const data = readLabelledCsv(bytes.toString('utf8'), o.label, o.positive);
  const keyPrefix = `import-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
  const store = new FileBatchStore({ root: o.batches ?? './var/batches', ...(o.batchRows ? { batchRows: o.batchRows } : {}) });
  try {
    const result = await store.append(o.model, tableRows(data.table, data.y, { keyPrefix, label: o.label, timeMs: Date.now() }));
    const last = o.seal === false ? undefined : await store.seal(o.model);
    const sealed = last ? [...result.sealed, last] : result.sealed;
    return { ...result, sealed, droppedUnlabelled: data.dropped, positiveClass: data.positiveClass, batchIds: sealed.map((b) => b.id) };
  } finally {
    await store.close();
  }
}

interface ImportOpts {
  model: string;
  label: string;
  positive?: string;
  batches: string;
  batchRows?: number;
  seal: boolean;
}

/** Registers `ratchet import <csv>`. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description("bulk import a labelled CSV into the retrainer's batch store (idempotent per file)")
    .argument('<csv>', 'labelled data with a header row')
    .requiredOption('--model <name>', 'model the rows are for')
    .requiredOption('--label <col>', 'label column')
    .option('--positive <value>', 'label value counted as the positive class (default: 1, or the larger of two classes)')
    .option('--batches <dir>', 'batch store root', './var/batches')
    .option('--batch-rows <n>', 'rows per batch', intOption)
    .option('--no-seal', 'leave the last partial batch open')
    .action(async (csv: string, o: ImportOpts) => {
      const r = await importCsv(csv, o);
      process.stdout.write(
        `${o.model}: ${r.appended} rows imported, ${r.duplicates} already stored, ${r.droppedUnlabelled} without a label dropped; ` +
          `batches sealed: ${r.batchIds.join(', ') || 'none'} (positive class '${r.positiveClass}')\n`,
      );
    });
}
