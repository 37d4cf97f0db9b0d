import { describe, expect, it } from 'vitest';
import { deadLetterTopicName, MAX_TOPIC_NAME_LENGTH, MAX_TOPIC_PREFIX_LENGTH, topicPrefixProblem, Topics } from './index.js';

describe('a topic prefix', () => {
  it('may be empty, meaning no namespace', () => {
    expect(topicPrefixProblem('')).toBeUndefined();
  });

  it('may use every character of a Kafka topic name', () => {
    for (const prefix of ['staging.', 'team-a_', 'ci.run-42.', 'A.b_C-9']) expect(topicPrefixProblem(prefix)).toBeUndefined();
  });

  it('rejects characters Kafka does not allow in topic names', () => {
    for (const prefix of ['staging ', 'a/b.', 'prod:', 'ünicode.', 'x*']) {
      expect(topicPrefixProblem(prefix)).toMatch(/may only contain letters, digits, '\.', '_' and '-'/);
    }
  });

  it('is limited so that the longest dead-letter topic of the registry stays within 249 characters', () => {
    const longest = Math.max(...Object.values(Topics).map((t) => deadLetterTopicName(t).length));
    expect(longest).toBe('ratchet.retrain.requests.v1.dlq'.length);
    expect(MAX_TOPIC_PREFIX_LENGTH).toBe(MAX_TOPIC_NAME_LENGTH - longest);
    expect(topicPrefixProblem('p'.repeat(MAX_TOPIC_PREFIX_LENGTH))).toBeUndefined();
    expect(topicPrefixProblem('p'.repeat(MAX_TOPIC_PREFIX_LENGTH + 1))).toMatch(
      /at most 218 characters long \(219 given\): ratchet\.retrain\.requests\.v1\.dlq would exceed Kafka's 249-character topic names/,
    );
  });
});
