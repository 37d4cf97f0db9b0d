import { describe, it, expect } from 'vitest';
import { createLogger, type LogStream } from './logger.js';

function memoryStream(): LogStream & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => lines.push(chunk) };
}

const fixedNow = () => new Date('2025-01-02T03:04:05.678Z');

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, name, message and flattened fields', () => {
    const stream = memoryStream();
    const logger = createLogger({ name: 'router', stream, now: fixedNow });
    logger.info('model loaded', { model: 'churn', version: '1.2.0', ms: 12 });
    expect(stream.lines).toHaveLength(1);
    expect(stream.lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(stream.lines[0] as string)).toEqual({
      time: '2025-01-02T03:04:05.678Z',
      level: 'info',
      name: 'router',
      msg: 'model loaded',
      model: 'churn',
      version: '1.2.0',
      ms: 12,
    });
  });

  it('writes errors with name, message, stack and cause', () => {
    const stream = memoryStream();
    const logger = createLogger({ name: 'svc', stream });
    const cause = new Error('socket closed');
    const error = Object.assign(new Error('publish failed', { cause }), { code: 'ECONNRESET' });
    logger.error('bus down', { error });
    const line = JSON.parse(stream.lines[0] as string) as { error: Record<string, unknown> };
    expect(line.error['name']).toBe('Error');
    expect(line.error['message']).toBe('publish failed');
    expect(line.error['code']).toBe('ECONNRESET');
    expect(String(line.error['stack'])).toContain('publish failed');
    expect((line.error['cause'] as Record<string, unknown>)['message']).toBe('socket closed');
  });

  it('drops lines below the configured level without reading their fields', () => {
    const stream = memoryStream();
    const logger = createLogger({ name: 'svc', level: 'warn', stream });
    let read = false;
    const fields = {
      get expensive() {
        read = true;
        return 1;
      },
    };
    logger.debug('d', fields);
    logger.info('i', fields);
    logger.warn('w');
    logger.error('e');
    expect(read).toBe(false);
    expect(stream.lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['warn', 'error']);
    expect(logger.isLevelEnabled('info')).toBe(false);
    expect(logger.isLevelEnabled('error')).toBe(true);
  });

  it('writes nothing at all when silent', () => {
    const stream = memoryStream();
    const logger = createLogger({ name: 'svc', level: 'silent', stream });
    logger.error('e');
    expect(stream.lines).toEqual([]);
  });

  it('adds child fields to every line, letting call fields override them', () => {
    const stream = memoryStream();
    const child = createLogger({ name: 'svc', stream }).child({ component: 'batcher', model: 'a' });
    const grandchild = child.child({ version: '2' });
    grandchild.info('flush', { model: 'b', size: 3 });
    expect(JSON.parse(stream.lines[0] as string)).toMatchObject({ component: 'batcher', version: '2', model: 'b', size: 3 });
  });

  it('keeps fields whose names clash with the line keys under an underscore prefix', () => {
    const stream = memoryStream();
    createLogger({ name: 'svc', stream }).info('m', { name: 'iris', level: 3 });
    expect(JSON.parse(stream.lines[0] as string)).toMatchObject({ name: 'svc', level: 'info', _name: 'iris', _level: 3 });
  });

  it('survives circular references and bigints in fields', () => {
    const stream = memoryStream();
    const loop: Record<string, unknown> = { id: 1 };
    loop['self'] = loop;
    createLogger({ name: 'svc', stream }).info('m', { loop, big: 10n });
    expect(JSON.parse(stream.lines[0] as string)).toMatchObject({ loop: { id: 1, self: '[Circular]' }, big: '10' });
  });

  it('writes a readable pretty line with key=value fields and an indented stack', () => {
    const stream = memoryStream();
    const logger = createLogger({ name: 'router', format: 'pretty', stream, colors: false, now: fixedNow });
    logger.warn('slow model', { model: 'churn', note: 'two words', error: new Error('boom') });
    const [first, ...rest] = (stream.lines[0] as string).trimEnd().split('\n');
    expect(first).toBe('03:04:05.678 WARN  router: slow model model=churn note="two words" error="Error: boom"');
    expect(rest[0]).toBe('    Error: boom');
  });

  it('rejects an unknown level early', () => {
    expect(() => createLogger({ name: 'svc', level: 'verbose' as 'info' })).toThrow(/unknown level "verbose"/);
  });
});
