/** Log levels in increasing severity; `silent` disables every level. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

/** Structured fields attached to a log line. `Error` values are written with name, message and stack. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Where log lines go: anything with a string `write`, such as `process.stdout` or a file stream. */
export interface LogStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface Logger {
  readonly name: string;
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether a call at `level` would write anything; use it to skip building costly fields. */
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
  /** A logger that adds `fields` to every line (a child's own fields win over its parent's). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** The component or service name, written on every line. */
  name: string;
  level?: LogLevel;
  /** `json` writes one JSON object per line (for production); `pretty` writes a human line. */
  format?: LogFormat;
  stream?: LogStream;
  /** Colour the pretty format; defaults to whether the stream is a TTY. */
  colors?: boolean;
  /** Clock for timestamps (tests pin it). */
  now?: () => Date;
}

const SEVERITY: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: Infinity };

/** Keys every JSON line owns; a field with one of these names is written as `_<name>` instead of being dropped. */
const RESERVED = new Set(['time', 'level', 'name', 'msg']);

/** Narrows a string to a {@link LogLevel}, e.g. when it comes from an untyped source. */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Creates a structured logger with no dependencies.
 *
 * JSON lines look like `{"time":"…","level":"info","name":"router","msg":"model loaded","model":"churn","ms":12}`:
 * fields are flattened onto the line so log tooling can index them. A disabled level returns after
 * one comparison, without touching its fields.
 */
export function createLogger({
  name,
  level = 'info',
  format = 'json',
  stream = process.stdout,
  colors = stream.isTTY === true,
  now = () => new Date(),
}: LoggerOptions): Logger {
  if (!isLogLevel(level)) throw new TypeError(`createLogger: unknown level ${JSON.stringify(level)}; expected one of ${LOG_LEVELS.join(', ')}`);
  if (format !== 'json' && format !== 'pretty') {
    throw new TypeError(`createLogger: unknown format ${JSON.stringify(format)}; expected json or pretty`);
  }
  const render = format === 'json' ? renderJson : colors ? renderPrettyColored : renderPrettyPlain;
  return makeLogger({ name, level, threshold: SEVERITY[level], render, stream, now, bindings: undefined });
}

interface LoggerState {
  readonly name: string;
  readonly level: LogLevel;
  readonly threshold: number;
  readonly render: Renderer;
  readonly stream: LogStream;
  readonly now: () => Date;
  readonly bindings: LogFields | undefined;
}

type Renderer = (time: Date, level: Exclude<LogLevel, 'silent'>, name: string, msg: string, fields: LogFields | undefined) => string;

function makeLogger(state: LoggerState): Logger {
  const { threshold, stream, render, now, bindings, name } = state;
  const write = (level: Exclude<LogLevel, 'silent'>, msg: string, fields: LogFields | undefined) => {
    const merged = bindings === undefined ? fields : fields === undefined ? bindings : { ...bindings, ...fields };
    stream.write(render(now(), level, name, msg, merged));
  };
  return {
    name,
    level: state.level,
    debug: (msg, fields) => {
      if (SEVERITY.debug >= threshold) write('debug', msg, fields);
    },
    info: (msg, fields) => {
      if (SEVERITY.info >= threshold) write('info', msg, fields);
    },
    warn: (msg, fields) => {
      if (SEVERITY.warn >= threshold) write('warn', msg, fields);
    },
    error: (msg, fields) => {
      if (SEVERITY.error >= threshold) write('error', msg, fields);
    },
    isLevelEnabled: (level) => SEVERITY[level] >= threshold,
    child: (fields) => makeLogger({ ...state, bindings: bindings === undefined ? { ...fields } : { ...bindings, ...fields } }),
  };
}

/** A plain-object view of an error, keeping `cause` chains and the extra own properties libraries attach (`code`, …). */
export function serializeError(error: Error, seen = new WeakSet<object>()): Record<string, unknown> {
  seen.add(error);
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'name' && key !== 'message' && key !== 'stack') out[key] = value;
  }
  if (error.cause !== undefined) {
    out['cause'] = error.cause instanceof Error && !seen.has(error.cause) ? serializeError(error.cause, seen) : error.cause;
  }
  if (error.stack !== undefined) out['stack'] = error.stack;
  return out;
}

function jsonReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return function (_key, value) {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return serializeError(value);
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  };
}

function renderJson(time: Date, level: string, name: string, msg: string, fields: LogFields | undefined): string {
  const record: Record<string, unknown> = { time: time.toISOString(), level, name, msg };
  if (fields !== undefined) {
    for (const key of Object.keys(fields)) record[RESERVED.has(key) ? `_${key}` : key] = fields[key];
  }
  return `${JSON.stringify(record, jsonReplacer())}\n`;
}

const LEVEL_LABEL: Readonly<Record<string, string>> = { debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR' };
const LEVEL_COLOR: Readonly<Record<string, string>> = { debug: '\x1b[90m', info: '\x1b[36m', warn: '\x1b[33m', error: '\x1b[31m' };
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s="]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value, jsonReplacer());
  return String(value);
}

function renderPretty(time: Date, level: string, name: string, msg: string, fields: LogFields | undefined, colored: boolean): string {
  const clock = time.toISOString().slice(11, 23);
  const label = colored ? `${LEVEL_COLOR[level]}${LEVEL_LABEL[level]}${RESET}` : LEVEL_LABEL[level];
  let line = `${colored ? DIM + clock + RESET : clock} ${label} ${name}: ${msg}`;
  const stacks: string[] = [];
  if (fields !== undefined) {
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      line += ` ${colored ? DIM + key + '=' + RESET : key + '='}${formatValue(value)}`;
      if (value instanceof Error && value.stack !== undefined) stacks.push(value.stack);
    }
  }
  for (const stack of stacks) line += `\n${stack.replace(/^/gm, '    ')}`;
  return `${line}\n`;
}

function renderPrettyPlain(time: Date, level: string, name: string, msg: string, fields: LogFields | undefined): string {
  return renderPretty(time, level, name, msg, fields, false);
}

function renderPrettyColored(time: Date, level: string, name: string, msg: string, fields: LogFields | undefined): string {
  return renderPretty(time, level, name, msg, fields, true);
}

/** A logger that writes nothing: a default for options and a stand-in for tests that do not inspect logs. */
export const silentLogger: Logger = createLogger({ name: 'silent', level: 'silent', stream: { write: () => true } });
