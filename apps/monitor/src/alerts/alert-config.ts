import { readFileSync } from 'node:fs';
import { z } from 'zod';

const detectors = ['ddm', 'eddm', 'adwin', 'page-hinkley'] as const;

/** Alert rules of one model; every field has a default. */
export const modelAlertConfigSchema = z.object({
  /** No second alert of the same kind for the same series within this time after one. */
  cooldownMs: z.number().int().nonnegative().default(15 * 60_000),
  /** Performance below a threshold, on the count window (the last N labelled rows). */
  performance: z
    .object({
      enabled: z.boolean().default(true),
      metric: z.string().default('accuracy'),
      /** Alert when the metric falls below `min` (higher-is-better metrics) ... */
      min: z.number().nullish(),
      /** ... or rises above `max` (log_loss, mae, latency; set `min` to null). Default: min 0.75 when neither is set. */
      max: z.number().nullish(),
      /** Critical instead of warning when the threshold is missed by this much. */
      criticalMargin: z.number().nonnegative().default(0.1),
      /** Rows the window needs before it is judged. */
      minSamples: z.number().int().positive().default(200),
      /** The alert clears only once the metric is this far back on the good side (hysteresis). */
      hysteresis: z.number().nonnegative().default(0.02),
    })
    .prefault({}),
  /** Input features drifted (per-feature test + effect size, BH-corrected). */
  dataDrift: z
    .object({
      enabled: z.boolean().default(true),
      /** Drifted features needed for an alert; critical at twice this or when half the features drift. */
      minDriftedFeatures: z.number().int().positive().default(1),
    })
    .prefault({}),
  /** Label distribution moved from the training prior (χ² + Cramér's V). */
  priorShift: z.object({ enabled: z.boolean().default(true) }).prefault({}),
  /** A streaming detector on the joined error stream of each served series. */
  conceptDrift: z.object({ enabled: z.boolean().default(true), detector: z.enum(detectors).default('adwin') }).prefault({}),
  /** Enough new labelled rows for a retrain. */
  newData: z.object({ enabled: z.boolean().default(true), rows: z.number().int().positive().default(10_000) }).prefault({}),
  /** A retraining schedule. */
  schedule: z.object({ enabled: z.boolean().default(false), everyMs: z.number().int().positive().default(24 * 3_600_000) }).prefault({}),
});

/** Alert rules of one model. */
export type ModelAlertConfig = z.output<typeof modelAlertConfigSchema>;

/** The file: defaults for every model plus per-model overrides (deep-merged over the defaults). */
export const alertConfigFileSchema = z.object({
  defaults: z.record(z.string(), z.unknown()).default({}),
  models: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Json, v) : v;
  return out;
}

/** Alert rules per model, resolved once per model name. */
export class AlertConfig {
  private readonly cache = new Map<string, ModelAlertConfig>();

  constructor(private readonly file: z.output<typeof alertConfigFileSchema> = { defaults: {}, models: {} }) {
    // Validate everything up front so a typo fails at start, naming the model.
    this.forModel('');
    for (const model of Object.keys(file.models)) this.forModel(model);
  }

  /** Parses a config document (the JSON file's content). Throws naming the offending path. */
  static parse(json: unknown): AlertConfig {
    const parsed = alertConfigFileSchema.safeParse(json);
    if (!parsed.success) throw new Error(`alert config: ${z.prettifyError(parsed.error)}`);
    return new AlertConfig(parsed.data);
  }

  /** Reads `source`: inline JSON when it starts with `{`, else a path to a JSON file. */
  static load(source: string | undefined): AlertConfig {
    if (!source) return new AlertConfig();
    const text = source.trimStart().startsWith('{') ? source : readFileSync(source, 'utf8');
    return AlertConfig.parse(JSON.parse(text));
  }

  forModel(model: string): ModelAlertConfig {
    let c = this.cache.get(model);
    if (c) return c;
    const merged = deepMerge(this.file.defaults, this.file.models[model] ?? {});
    const parsed = modelAlertConfigSchema.safeParse(merged);
    if (!parsed.success) throw new Error(`alert config for ${model ? `model '${model}'` : 'defaults'}: ${z.prettifyError(parsed.error)}`);
    c = parsed.data;
    if (c.performance.min == null && c.performance.max == null) c = { ...c, performance: { ...c.performance, min: 0.75 } };
    this.cache.set(model, c);
    return c;
  }
}
