import { z } from 'zod';
import { LOG_LEVELS } from './logger.js';

/** Environment variables as Node exposes them: every value is a string or absent. */
export type Env = Readonly<Record<string, string | undefined>>;

/** One invalid or missing variable found while loading config. */
export interface ConfigIssue {
  /** The environment variable's name, e.g. `RATCHET_GRPC_PORT`. */
  readonly variable: string;
  /** What was expected, e.g. `expected an integer from 0 to 65535`. */
  readonly message: string;
  /** The raw value that was set, or `undefined` when the variable was missing. */
  readonly received: string | undefined;
}

/**
 * Thrown by {@link loadConfig} when one or more variables are missing or invalid.
 * Never retriable: the same environment fails the same way, so the process should exit.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Config errors are deterministic; retrying cannot help. */
  readonly retriable = false;

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      issues.length === 1
        ? `invalid config: ${formatIssue(issues[0] as ConfigIssue)}`
        : `invalid config (${issues.length} problems):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
    );
  }
}

function formatIssue(issue: ConfigIssue): string {
  return issue.received === undefined
    ? `${issue.variable}: ${issue.message}, but it is not set`
    : `${issue.variable}: ${issue.message}, got ${JSON.stringify(issue.received)}`;
}

/**
 * The shape a config schema must have: an object whose keys are environment variable names
 * and whose values are schemas that read a string (use the field helpers below, or any zod
 * schema accepting `string | undefined`).
 */
export type ConfigSchema = z.ZodObject;

/**
 * Parses and validates environment variables with a zod object schema keyed by variable name,
 * returning a frozen config whose type is inferred from the schema.
 *
 * Only the variables named in the schema are read. An empty value (`FOO=`) counts as unset,
 * so defaults apply to it: shells and compose files routinely export empty placeholders.
 * Every problem is reported at once, each naming its variable.
 *
 * @example
 * const schema = z.object({ RATCHET_GRPC_PORT: port().default(8001), LOG_LEVEL: logLevel().default('info') });
 * const config = loadConfig(schema); // { RATCHET_GRPC_PORT: number; LOG_LEVEL: LogLevel }
 * @throws {ConfigError} when a variable is missing or invalid.
 */
export function loadConfig<S extends ConfigSchema>(schema: S, env: Env = process.env): Readonly<z.output<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const raw = env[key];
    input[key] = raw === undefined || raw.trim() === '' ? undefined : raw;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(config)');
        const received = input[variable];
        return { variable, message: describeIssue(issue, received), received };
      }),
    );
  }
  return Object.freeze(result.data);
}

function describeIssue(issue: z.core.$ZodIssue, received: string | undefined): string {
  if (received === undefined && issue.code === 'invalid_type') return 'required';
  return issue.message;
}

/**
 * Builds a config field that reads a trimmed string and converts it with `parse`; when `parse`
 * returns `undefined` the field fails with `expected <expected>`.
 */
export function envField<T>(expected: string, parse: (raw: string) => T | undefined) {
  return z
    .string()
    .transform((raw, ctx): T => {
      const value = parse(raw.trim());
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
        return z.NEVER;
      }
      return value;
    });
}

const INTEGER = /^[+-]?\d+$/;

function parseIntegerIn(raw: string, min: number, max: number): number | undefined {
  if (!INTEGER.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** A TCP port, 0 to 65535 (0 asks the OS for an ephemeral port). */
export function port() {
  return envField('an integer from 0 to 65535', (raw) => parseIntegerIn(raw, 0, 65_535));
}

/** An integer ≥ 1, optionally capped at `max`. */
export function positiveInt({ max = Number.MAX_SAFE_INTEGER }: { max?: number } = {}) {
  const expected = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`;
  return envField(expected, (raw) => parseIntegerIn(raw, 1, max));
}

/** An integer ≥ 0, optionally capped at `max`. */
export function nonNegativeInt({ max = Number.MAX_SAFE_INTEGER }: { max?: number } = {}) {
  const expected = max === Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer from 0 to ${max}`;
  return envField(expected, (raw) => parseIntegerIn(raw, 0, max));
}

/** A finite number (integer or decimal), within `[min, max]` when given. */
export function number({ min = -Infinity, max = Infinity }: { min?: number; max?: number } = {}) {
  const bounds =
    min === -Infinity && max === Infinity ? '' : ` from ${min === -Infinity ? '-∞' : min} to ${max === Infinity ? '∞' : max}`;
  return envField(`a number${bounds}`, (raw) => {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) return undefined;
    const value = Number(raw);
    return Number.isFinite(value) && value >= min && value <= max ? value : undefined;
  });
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds. A bare number is milliseconds; `ms`, `s`, `m` and `h` suffixes are
 * accepted (`250`, `250ms`, `1.5s`, `5m`). The result is rounded to a whole millisecond.
 */
export function durationMs() {
  return envField('a duration such as 500, 500ms, 1.5s, 5m or 1h', (raw) => {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(raw);
    if (!match) return undefined;
    const unit = DURATION_UNITS_MS[(match[2] ?? 'ms').toLowerCase()] as number;
    const value = Math.round(Number(match[1]) * unit);
    return Number.isSafeInteger(value) ? value : undefined;
  });
}

/** An absolute URL, optionally restricted to some protocols (`['http:', 'https:']`). Yields the string. */
export function url({ protocols }: { protocols?: readonly string[] } = {}) {
  const expected = protocols ? `an absolute URL with protocol ${protocols.join(' or ')}` : 'an absolute URL';
  return envField(expected, (raw) => {
    if (!URL.canParse(raw)) return undefined;
    const parsed = new URL(raw);
    return protocols && !protocols.includes(parsed.protocol) ? undefined : raw;
  });
}

/** One of a fixed set of strings (case-sensitive). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return envField(`one of ${values.join(', ')}`, (raw) =>
    (values as readonly string[]).includes(raw) ? (raw as T[number]) : undefined,
  );
}

/**
 * A comma-separated list, items trimmed and empty items dropped (`"a, b,,c"` → `['a','b','c']`).
 * Pass `item` to convert each element; an element it rejects fails the whole variable.
 */
export function commaList(): ReturnType<typeof envField<string[]>>;
export function commaList<T>(item: { expected: string; parse: (raw: string) => T | undefined }): ReturnType<
  typeof envField<T[]>
>;
export function commaList<T>(item?: { expected: string; parse: (raw: string) => T | undefined }) {
  const split = (raw: string) =>
    raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  if (!item) return envField<string[]>('a comma-separated list', split);
  return envField<T[]>(`a comma-separated list of ${item.expected}`, (raw) => {
    const out: T[] = [];
    for (const part of split(raw)) {
      const value = item.parse(part);
      if (value === undefined) return undefined;
      out.push(value);
    }
    return out;
  });
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** A boolean: `true/false`, `1/0`, `yes/no`, `on/off` (any case). */
export function boolean() {
  return envField('a boolean (true/false, 1/0, yes/no, on/off)', (raw) => {
    const word = raw.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return undefined;
  });
}

/** A non-empty string, trimmed. */
export function text() {
  return envField('a non-empty string', (raw) => (raw === '' ? undefined : raw));
}

/** A log level (`debug`, `info`, `warn`, `error` or `silent`), for the logger's `level` option. */
export function logLevel() {
  return oneOf(LOG_LEVELS);
}
