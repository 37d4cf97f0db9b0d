const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;
const utf8 = new TextEncoder();

/** In-range reads only; the `?? 0` just satisfies unchecked-index typing. */
const byte = (data: Uint8Array, i: number): number => data[i] ?? 0;

/**
 * MurmurHash2 (32-bit, Austin Appleby) with the seed Kafka uses, so a key lands on the same
 * partition whether a record is produced here, by kafkajs' default partitioner or by the Java
 * client (`Utils.murmur2`).
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (byte(data, i) | (byte(data, i + 1) << 8) | (byte(data, i + 2) << 16) | (byte(data, i + 3) << 24)) | 0;
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= byte(data, whole + 2) << 16;
  if (rest >= 2) h ^= byte(data, whole + 1) << 8;
  if (rest >= 1) {
    h ^= byte(data, whole);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition of a keyed record: `(murmur2(utf8(key)) & 0x7fffffff) % partitions`, Kafka's
 * default for keyed records. Records without a key go round-robin instead (see the buses).
 */
export function partitionForKey(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  return (murmur2(utf8.encode(key)) & 0x7fffffff) % partitions;
}
