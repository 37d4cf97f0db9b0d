import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './partitioner.js';

// [key, murmur2 of its UTF-8 bytes, partition of 3, partition of 12], computed with the Java
// client: org.apache.kafka.common.utils.Utils.murmur2 / toPositive from kafka-clients 3.9.2.
const JAVA_REFERENCE: [string, number, number, number][] = [
  ['', 275646681, 0, 9],
  ['a', -1563381124, 1, 4],
  ['ab', 316155434, 2, 2],
  ['abc', 479470107, 0, 3],
  ['abcd', -1323649548, 2, 8],
  ['req-000001', -415874011, 1, 1],
  ['churn-model', 1864632198, 0, 6],
  ['21', -973932308, 0, 0],
  ['ünïcødé-κλειδί', 1675575438, 0, 6],
  ['the quick brown fox jumps', -1650844993, 1, 7],
];

describe('murmur2 partitioning', () => {
  it.each(JAVA_REFERENCE)('hashes %j as the Java client does', (key, hash, of3, of12) => {
    expect(murmur2(new TextEncoder().encode(key))).toBe(hash);
    expect(partitionForKey(key, 3)).toBe(of3);
    expect(partitionForKey(key, 12)).toBe(of12);
  });

  it("agrees with kafkajs' default partitioner for keyed records", () => {
    const partitioner = kafkajs.Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 7 }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
    for (let i = 0; i < 200; i++) {
      const key = `request-${i * 7919}`;
      expect(partitionForKey(key, 7)).toBe(partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }));
    }
  });

  it('rejects a partition count that is not a positive integer', () => {
    expect(() => partitionForKey('k', 0)).toThrow(RangeError);
    expect(() => partitionForKey('k', 1.5)).toThrow(RangeError);
  });
});
