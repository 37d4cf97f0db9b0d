import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InferenceClient, columnsFromRows } from '@ratchet/inference-client';
import { parseCsvRecords } from '@ratchet/ml';
import { collect } from '../options.js';

interface PredictOpts {
  url: string;
  version?: string;
  row: string[];
  csv?: string;
  limit?: string;
  json?: boolean;
  param: string[];
}

/** Parses `age=39,workclass=State-gov` into a row object. */
export function parseRowSpec(spec: string): Record<string, string> {
  const row: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`--row expects name=value pairs separated by commas, got "${part}"`);
    row[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return row;
}

/** CSV text with a header row as records keyed by column name. */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...body] = parseCsvRecords(text);
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}

/** `ratchet predict <model>`: send rows to a prediction server (or the router) and print the answers. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('send rows to an Open Inference Protocol server and print label and probabilities')
    .argument('<model>', 'model name')
    .option('--url <host:port>', 'gRPC address of the prediction service or router', process.env.RATCHET_URL ?? '127.0.0.1:8001')
    .option('--version <version>', 'a specific version (default: the one served by default)')
    .option('--row <name=value,...>', 'one row as column=value pairs (repeatable)', collect, [])
    .option('--csv <file>', 'rows from a CSV file with a header (columns the model does not take are ignored)')
    .option('--limit <n>', 'at most this many CSV rows', '20')
    .option('--param <key=value>', 'request parameter, e.g. user_id=42 for sticky routing (repeatable)', collect, [])
    .option('--json', 'print the response as JSON')
    .action(async (model: string, o: PredictOpts) => {
      const client = new InferenceClient(o.url);
      try {
        const meta = await client.modelMetadata(model, o.version ?? '');
        let rows: Record<string, string>[] = o.row.map(parseRowSpec);
        if (o.csv) rows = rows.concat(csvRows(await readFile(o.csv, 'utf8')).slice(0, Number(o.limit)));
        if (rows.length === 0) throw new Error(`no rows: give --row or --csv (inputs: ${meta.inputs.map((i) => i.name).join(', ')})`);
        const parameters = Object.fromEntries(o.param.map((p) => { const [k, ...v] = p.split('='); return [k ?? '', v.join('=')]; }));
        const res = await client.infer({ model, ...(o.version ? { version: o.version } : {}), inputs: columnsFromRows(rows, meta.inputs), parameters });
        if (o.json) {
          process.stdout.write(
            `${JSON.stringify({ model: res.model, version: res.version, id: res.id, outputs: res.outputs.map((x) => ({ ...x, data: Array.from(x.data as ArrayLike<number>, (v) => (typeof v === 'bigint' ? Number(v) : v)) })) }, null, 2)}\n`,
          );
          return;
        }
        const label = res.outputs.find((x) => x.name === 'label');
        const probs = res.outputs.find((x) => x.name === 'probabilities');
        process.stdout.write(`${res.model}@${res.version} (request ${res.id})\n`);
        for (let i = 0; i < rows.length; i++) {
          const l = label ? String(label.data[i]) : '?';
          const p = probs ? Number((probs.data as Float32Array)[i * 2 + 1]).toFixed(4) : '?';
          process.stdout.write(`  row ${i}: label=${l} p(positive)=${p}\n`);
        }
      } finally {
        client.close();
      }
    });
}
