import { describe, it, expect, expectTypeOf } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  boolean,
  commaList,
  durationMs,
  loadConfig,
  nonNegativeInt,
  number,
  oneOf,
  port,
  positiveInt,
  text,
  url,
} from './config.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const schema = z.object({
    RATCHET_GRPC_PORT: port().default(8001),
    RATCHET_BATCH_MAX: positiveInt({ max: 1024 }).default(32),
    RATCHET_FLUSH: durationMs().default(5_000),
    RATCHET_REGISTRY_URL: url({ protocols: ['http:', 'https:'] }),
    RATCHET_LOG_FORMAT: oneOf(['json', 'pretty']).default('json'),
    KAFKA_BROKERS: commaList().optional(),
    RATCHET_DEBUG: boolean().default(false),
  });

  it('coerces strings into the types the schema declares and infers the config type', () => {
    const config = loadConfig(schema, {
      RATCHET_GRPC_PORT: '9001',
      RATCHET_BATCH_MAX: '64',
      RATCHET_FLUSH: '2s',
      RATCHET_REGISTRY_URL: 'http://registry:8080/v1',
      RATCHET_LOG_FORMAT: 'pretty',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      RATCHET_DEBUG: 'yes',
    });
    expect(config).toEqual({
      RATCHET_GRPC_PORT: 9001,
      RATCHET_BATCH_MAX: 64,
      RATCHET_FLUSH: 2_000,
      RATCHET_REGISTRY_URL: 'http://registry:8080/v1',
      RATCHET_LOG_FORMAT: 'pretty',
      KAFKA_BROKERS: ['k1:9092', 'k2:9092'],
      RATCHET_DEBUG: true,
    });
    expectTypeOf(config.RATCHET_GRPC_PORT).toEqualTypeOf<number>();
    expectTypeOf(config.RATCHET_LOG_FORMAT).toEqualTypeOf<'json' | 'pretty'>();
    expectTypeOf(config.KAFKA_BROKERS).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(config.RATCHET_DEBUG).toEqualTypeOf<boolean>();
  });

  it('applies defaults to unset and empty variables', () => {
    const config = loadConfig(schema, { RATCHET_REGISTRY_URL: 'https://r', RATCHET_GRPC_PORT: '  ' });
    expect(config.RATCHET_GRPC_PORT).toBe(8001);
    expect(config.RATCHET_FLUSH).toBe(5_000);
    expect(config.KAFKA_BROKERS).toBeUndefined();
  });

  it('returns a frozen object holding only the variables in the schema', () => {
    const config = loadConfig(schema, { RATCHET_REGISTRY_URL: 'https://r', PATH: '/usr/bin' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.keys(config)).not.toContain('PATH');
  });

  it('names the variable, what was expected and what it got', () => {
    const error = errorOf(() => loadConfig(schema, { RATCHET_REGISTRY_URL: 'https://r', RATCHET_GRPC_PORT: 'abc' }));
    expect(error.message).toBe('invalid config: RATCHET_GRPC_PORT: expected an integer from 0 to 65535, got "abc"');
    expect(error.retriable).toBe(false);
    expect(error.issues).toEqual([
      { variable: 'RATCHET_GRPC_PORT', message: 'expected an integer from 0 to 65535', received: 'abc' },
    ]);
  });

  it('reports a missing required variable as not set', () => {
    const error = errorOf(() => loadConfig(schema, {}));
    expect(error.message).toBe('invalid config: RATCHET_REGISTRY_URL: required, but it is not set');
  });

  it('reports every invalid variable at once', () => {
    const error = errorOf(() =>
      loadConfig(schema, { RATCHET_REGISTRY_URL: 'ftp://x', RATCHET_BATCH_MAX: '0', RATCHET_DEBUG: 'maybe' }),
    );
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['RATCHET_BATCH_MAX', 'RATCHET_DEBUG', 'RATCHET_REGISTRY_URL']);
    expect(error.message).toContain('RATCHET_BATCH_MAX: expected an integer from 1 to 1024, got "0"');
    expect(error.message).toContain('RATCHET_REGISTRY_URL: expected an absolute URL with protocol http: or https:, got "ftp://x"');
  });
});

describe('field helpers', () => {
  const parse = <T>(schema: z.ZodType<T, string>, raw: string) => schema.safeParse(raw);

  it('port accepts 0 and 65535 and rejects values outside or non-integers', () => {
    expect(parse(port(), '0').data).toBe(0);
    expect(parse(port(), '65535').data).toBe(65_535);
    expect(parse(port(), '65536').success).toBe(false);
    expect(parse(port(), '80.5').success).toBe(false);
    expect(parse(port(), '-1').success).toBe(false);
  });

  it('positiveInt rejects zero while nonNegativeInt accepts it', () => {
    expect(parse(positiveInt(), '0').success).toBe(false);
    expect(parse(nonNegativeInt(), '0').data).toBe(0);
    expect(parse(positiveInt(), '12').data).toBe(12);
  });

  it('number parses decimals and exponents within bounds', () => {
    expect(parse(number(), '0.25').data).toBe(0.25);
    expect(parse(number(), '1e-3').data).toBe(0.001);
    expect(parse(number({ min: 0, max: 1 }), '1.5').success).toBe(false);
    expect(parse(number(), 'NaN').success).toBe(false);
  });

  it('durationMs reads bare milliseconds and unit suffixes', () => {
    expect(parse(durationMs(), '250').data).toBe(250);
    expect(parse(durationMs(), '250ms').data).toBe(250);
    expect(parse(durationMs(), '1.5s').data).toBe(1_500);
    expect(parse(durationMs(), '2m').data).toBe(120_000);
    expect(parse(durationMs(), '1h').data).toBe(3_600_000);
    expect(parse(durationMs(), '5 days').success).toBe(false);
  });

  it('commaList drops empty items and can convert each item', () => {
    expect(parse(commaList(), 'a, b,,c ').data).toEqual(['a', 'b', 'c']);
    const ports = commaList({ expected: 'ports', parse: (raw) => (/^\d+$/.test(raw) ? Number(raw) : undefined) });
    expect(parse(ports, '80,443').data).toEqual([80, 443]);
    expect(parse(ports, '80,http').success).toBe(false);
  });

  it('boolean accepts the usual spellings in any case', () => {
    for (const raw of ['true', 'TRUE', '1', 'yes', 'on']) expect(parse(boolean(), raw).data).toBe(true);
    for (const raw of ['false', '0', 'No', 'off']) expect(parse(boolean(), raw).data).toBe(false);
    expect(parse(boolean(), 'y').success).toBe(false);
  });

  it('oneOf accepts only the listed values', () => {
    expect(parse(oneOf(['a', 'b']), 'b').data).toBe('b');
    expect(parse(oneOf(['a', 'b']), 'c').error?.issues[0]?.message).toBe('expected one of a, b');
  });

  it('text trims and rejects whitespace-only strings', () => {
    expect(parse(text(), '  hello ').data).toBe('hello');
    expect(parse(text(), '   ').success).toBe(false);
  });
});
