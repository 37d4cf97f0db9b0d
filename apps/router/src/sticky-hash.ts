import { murmur2 } from '@ratchet/bus';

const utf8 = new TextEncoder();
const TWO_POW_32 = 4294967296;

/** An arm that a weighted choice can pick: a stable name and a non-negative weight. */
export interface WeightedArm {
  readonly name: string;
  readonly weight: number;
}

/** murmur3's 32-bit finaliser: spreads murmur2's output so nearby inputs land far apart. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A uniform number in (0, 1) determined by `key` and `salt`: 52 bits from two independent
 * 32-bit murmur2 hashes (one of `salt\0key`, one of `key\0salt`), never exactly 0 or 1.
 */
export function hashUnit(key: string, salt: string): number {
  const hi = fmix32(murmur2(utf8.encode(`${salt}\u0000${key}`))) >>> 6; // 26 bits
  const lo = fmix32(murmur2(utf8.encode(`${key}\u0000${salt}`))) >>> 6; // 26 bits
  return (hi * 67108864 + lo + 0.5) / (TWO_POW_32 * 1048576);
}

/**
 * Weighted rendezvous (highest-random-weight) hashing: every arm scores
 * `weight / -ln(u(key, arm))` and the highest score wins (Schindelhauer & Schomaker, "Weighted
 * distributed hash tables", 2005). `-ln(u)/w` is an exponential variable with rate `w`, so arm i
 * wins with probability exactly `w_i / Σw`. Unlike cumulative intervals on [0,1), adding an arm
 * only moves the keys that the new arm wins (its share) and removing one only moves its own keys;
 * changing one arm's weight only moves keys to or from that arm.
 *
 * Returns the index of the chosen arm; arms with weight 0 are never chosen.
 */
export function rendezvousPick(arms: readonly WeightedArm[], key: string): number {
  let best = -1;
  let bestScore = -1;
  for (let i = 0; i < arms.length; i++) {
    const arm = arms[i] as WeightedArm;
    if (!(arm.weight > 0)) continue;
    const score = arm.weight / -Math.log(hashUnit(key, arm.name));
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  if (best < 0) throw new RangeError('rendezvousPick: no arm has a positive weight');
  return best;
}

/** Picks an arm with probability proportional to its weight from a uniform `u` in [0, 1). */
export function weightedPick(arms: readonly WeightedArm[], u: number): number {
  let total = 0;
  for (const a of arms) total += a.weight > 0 ? a.weight : 0;
  if (!(total > 0)) throw new RangeError('weightedPick: no arm has a positive weight');
  let target = u * total;
  let last = -1;
  for (let i = 0; i < arms.length; i++) {
    const w = (arms[i] as WeightedArm).weight;
    if (!(w > 0)) continue;
    last = i;
    if (target < w) return i;
    target -= w;
  }
  return last;
}
