/** Structured fields attached to a log line. */
export type BusLogFields = Readonly<Record<string, unknown>>;

/**
 * The logging the bus needs: a structural subset of the service-kit logger, so any structured
 * logger with these four methods fits without the bus depending on it.
 */
export interface BusLogger {
  debug(msg: string, fields?: BusLogFields): void;
  info(msg: string, fields?: BusLogFields): void;
  warn(msg: string, fields?: BusLogFields): void;
  error(msg: string, fields?: BusLogFields): void;
}

/** Discards everything: for tests that assert on counters rather than log lines. */
export const silentLogger: BusLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const SEVERITY = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof SEVERITY;

/** A minimal JSON-lines logger on stderr, used when the caller passes none. */
export function stderrLogger(minLevel: Level = 'warn', name = 'bus'): BusLogger {
  const write = (level: Level) => (msg: string, fields?: BusLogFields) => {
    if (SEVERITY[level] < SEVERITY[minLevel]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, name, msg, ...fields })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
