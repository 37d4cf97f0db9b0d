import { describe, expect, it } from 'vitest';
import { PredictionLogged, Topics, deadLetterTopicName, defineTopic } from './index.js';

describe('the topic registry', () => {
  it('round-trips a prediction record through its topic codec', () => {
    const msg = PredictionLogged.fromPartial({
      requestId: 'r-1',
      model: 'income',
      version: '1.2.0',
      rows: 2,
      outputs: [{ name: 'label', datatype: 'INT64', shape: [2], contents: { int64Contents: [0, 1] } }],
      latencyMs: 0.42,
    });
    const bytes = Topics.predictions.codec.encode(msg);
    const back = Topics.predictions.codec.decode(bytes);
    expect(back).toEqual(msg);
    expect(Topics.predictions.key(back)).toBe('r-1');
  });

  it('keys model versions by model name on a compacted topic', () => {
    expect(Topics.models.compacted).toBe(true);
    expect(Topics.models.key({ model: 'm', version: '1.0.0' } as never)).toBe('m');
    expect(Topics.predictions.compacted).toBe(false);
  });

  it('spreads training tasks over the partitions of a task topic sized for a group of workers', () => {
    expect(Topics.retrainTasks.partitions).toBe(12);
    expect(Topics.retrainTasks.key({ runId: 'r1', taskIndex: 7 } as never)).toBe('r1/7');
    expect(Topics.retrainResults.key({ runId: 'r1', taskIndex: 7 } as never)).toBe('r1');
    expect(Topics.retrainResults.partitions).toBeUndefined();
  });

  it('rejects a partition count that is not a positive integer', () => {
    expect(() => defineTopic('t', Topics.feedback.codec, () => '', { partitions: 0 })).toThrow(/partitions must be an integer ≥ 1, got 0/);
  });

  it('names dead-letter topics after their source', () => {
    expect(deadLetterTopicName(Topics.feedback)).toBe('ratchet.feedback.v1.dlq');
  });

  it('rejects malformed topic names', () => {
    expect(() => defineTopic('bad name', Topics.feedback.codec, () => '')).toThrow(/invalid topic name/);
  });

  it('fails to decode bytes that are not the message', () => {
    expect(() => Topics.predictions.codec.decode(Uint8Array.from([0xff, 0xff, 0xff]))).toThrow();
  });
});
