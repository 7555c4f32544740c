import { createHash } from 'node:crypto';

/**
 * A deterministic pseudo-random source: the same key always yields the same sequence.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  integer(range: { min: number; max: number }): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/**
 * Creates a {@link SeededRandom} from any string key (a request hash plus the server seed), using
 * SHA-256 to spread the key and mulberry32 to draw numbers from it.
 */
export function createSeededRandom(key: string): SeededRandom {
  let state = createHash('sha256').update(key).digest().readUInt32LE(0);
  const next = (): number => {
    // mulberry32: tiny, fast and good enough for picking words.
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    integer: ({ min, max }) => min + Math.floor(next() * (max - min + 1)),
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined)
        throw new Error('Cannot pick from an empty list: pass at least one item.');
      return item;
    },
  };
}
