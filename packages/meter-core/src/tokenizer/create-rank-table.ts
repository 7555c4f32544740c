import type { RankFile } from './parse-rank-file.js';
import { rankHashFinish, rankHashSeed, rankHashStep } from './rank-hash.js';

/**
 * The ranks of one encoding in flat typed arrays: the bytes of every rank side by side, and an
 * open-addressing hash table from byte sequence to rank. Both come ready-made in the encoding's
 * rank file, so building it does no per-rank work and the first count of a process stays fast.
 */
export interface RankTable {
  /** Bytes of every rank; rank `r` is `bytes[starts[r]]` up to (excluding) `bytes[ends[r]]`. */
  bytes: Uint8Array;
  /** Where the bytes of each rank start in {@link bytes} (a rank with no bytes is not in use). */
  starts: Int32Array;
  /** Where the bytes of each rank end in {@link bytes}. */
  ends: Int32Array;
  /** Rank of each single byte (every byte has one in tiktoken's encodings). */
  byteRanks: Int32Array;
  /** UTF-8 bytes of each special token id (decoding only). */
  specialBytes: Map<number, Uint8Array>;
  /** Rank of `source[start]` up to (excluding) `source[end]`, or {@link noRank}. */
  rankOf: (source: Uint8Array, start: number, end: number) => number;
  /**
   * Rank of the bytes of rank `left` followed by those of rank `right`, or {@link noRank};
   * memoized on the pair, which is cheaper than hashing the bytes again.
   */
  mergedRank: (left: number, right: number) => number;
}

/**
 * Rank used for "these bytes have no rank": above every real rank so it never wins a comparison.
 */
export const noRank = 0x7fffffff;

// The memo of merged ranks is an open-addressing hash table of 2^18 slots (3 MiB per encoding),
// emptied when half full: bounded memory whatever the input, and no allocation per lookup.
const memoBits = 18;
const memoSlots = 1 << memoBits;

function createMergedRank(
  concatenatedRank: (left: number, right: number) => number,
): (left: number, right: number) => number {
  // A slot holds `left + 1`, so that 0 (what a new typed array holds) means empty: creating the
  // memo touches none of its memory, which a fresh process would otherwise pay for on first use.
  const memoLeft = new Int32Array(memoSlots);
  const memoRight = new Int32Array(memoSlots);
  const memoRank = new Int32Array(memoSlots);
  let memoCount = 0;
  const home = (left: number, right: number): number =>
    (Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 1, 0x85ebca6b)) >>> (32 - memoBits);
  // Positional parameters: this runs once per merge step, in the hottest loop of the tokenizer.
  return (left, right) => {
    const key = left + 1;
    let slot = home(left, right);
    for (;;) {
      const storedKey = memoLeft[slot];
      if (storedKey === 0) break;
      if (storedKey === key && memoRight[slot] === right) return memoRank[slot] as number;
      slot = (slot + 1) & (memoSlots - 1);
    }
    const rank = concatenatedRank(left, right);
    if (memoCount >= memoSlots >> 1) {
      memoLeft.fill(0);
      memoCount = 0;
      slot = home(left, right);
    }
    memoLeft[slot] = key;
    memoRight[slot] = right;
    memoRank[slot] = rank;
    memoCount++;
    return rank;
  };
}

/**
 * Builds the {@link RankTable} of one encoding over the sections of its rank file, which it
 * views without copying.
 */
export function createRankTable(file: RankFile): RankTable {
  const { bytes, offsets, slots } = file;
  const rankCount = offsets.length - 1;
  const starts = offsets.subarray(0, rankCount);
  const ends = offsets.subarray(1);
  const slotMask = slots.length - 1;

  function rankOf(source: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (length <= 0) return noRank;
    let hash = rankHashSeed;
    for (let index = start; index < end; index++)
      hash = rankHashStep(hash, source[index] as number);
    for (let slot = rankHashFinish(hash) & slotMask; ; slot = (slot + 1) & slotMask) {
      const rank = slots[slot] as number;
      if (rank < 0) return noRank;
      const rankStart = starts[rank] as number;
      if ((ends[rank] as number) - rankStart !== length) continue;
      let index = 0;
      while (index < length && bytes[rankStart + index] === source[start + index]) index++;
      if (index === length) return rank;
    }
  }

  function concatenatedRank(left: number, right: number): number {
    const leftStart = starts[left] as number;
    const leftEnd = ends[left] as number;
    const rightStart = starts[right] as number;
    const rightEnd = ends[right] as number;
    const leftLength = leftEnd - leftStart;
    const length = leftLength + rightEnd - rightStart;
    let hash = rankHashSeed;
    for (let index = leftStart; index < leftEnd; index++)
      hash = rankHashStep(hash, bytes[index] as number);
    for (let index = rightStart; index < rightEnd; index++) {
      hash = rankHashStep(hash, bytes[index] as number);
    }
    for (let slot = rankHashFinish(hash) & slotMask; ; slot = (slot + 1) & slotMask) {
      const rank = slots[slot] as number;
      if (rank < 0) return noRank;
      const rankStart = starts[rank] as number;
      if ((ends[rank] as number) - rankStart !== length) continue;
      let index = 0;
      while (index < leftLength && bytes[rankStart + index] === bytes[leftStart + index]) index++;
      if (index < leftLength) continue;
      while (
        index < length &&
        bytes[rankStart + index] === bytes[rightStart + index - leftLength]
      ) {
        index++;
      }
      if (index === length) return rank;
    }
  }

  const byteRanks = new Int32Array(256);
  const single = new Uint8Array(1);
  for (let byte = 0; byte < 256; byte++) {
    single[0] = byte;
    byteRanks[byte] = rankOf(single, 0, 1);
  }
  const utf8 = new TextEncoder();
  const specialBytes = new Map<number, Uint8Array>();
  for (const [name, id] of Object.entries(file.special_tokens)) {
    specialBytes.set(id, utf8.encode(name));
  }
  return {
    bytes,
    starts,
    ends,
    byteRanks,
    specialBytes,
    rankOf,
    mergedRank: createMergedRank(concatenatedRank),
  };
}
