import type { EncodingData } from './encoding-data.js';

/**
 * The ranks of one encoding, keyed both ways. Byte sequences are held as "binary strings" (one
 * char per byte, code 0-255) because JavaScript Maps hash strings fast and typed arrays not at all.
 * @see https://github.com/openai/tiktoken/blob/main/src/lib.rs
 */
export interface RankTable {
  /** Rank of each mergeable byte sequence. */
  ranks: Map<string, number>;
  /** Byte sequence of each rank, as a binary string. */
  bytesByRank: string[];
  /** Rank of each single byte (every byte has one in tiktoken's encodings). */
  byteRanks: Int32Array;
  /** Byte sequence of each special token id, as a binary string (decoding only). */
  specialBytes: Map<number, string>;
  /**
   * Rank of the bytes of rank `left` followed by those of rank `right`, or {@link noRank};
   * memoized on the pair, which is cheaper than hashing a fresh slice of the piece.
   */
  mergedRank: (left: number, right: number) => number;
}

/**
 * Rank used for "these bytes have no rank": above every real rank so it never wins a comparison.
 * @see https://github.com/openai/tiktoken/blob/main/src/lib.rs
 */
export const noRank = 0x7fffffff;

// The memo of merged ranks is an open-addressing hash table of 2^18 slots (3 MiB per encoding),
// emptied when half full: bounded memory whatever the input, and no allocation per lookup.
const memoBits = 18;
const memoSlots = 1 << memoBits;

function createMergedRank({
  ranks,
  bytesByRank,
}: {
  ranks: Map<string, number>;
  bytesByRank: string[];
}): (left: number, right: number) => number {
  const memoLeft = new Int32Array(memoSlots).fill(-1);
  const memoRight = new Int32Array(memoSlots);
  const memoRank = new Int32Array(memoSlots);
  let memoCount = 0;
  const home = (left: number, right: number): number =>
    (Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 1, 0x85ebca6b)) >>> (32 - memoBits);
  // Positional parameters: this runs once per merge step, in the hottest loop of the tokenizer.
  return (left, right) => {
    let slot = home(left, right);
    for (;;) {
      const storedLeft = memoLeft[slot];
      if (storedLeft === -1) break;
      if (storedLeft === left && memoRight[slot] === right) return memoRank[slot] as number;
      slot = (slot + 1) & (memoSlots - 1);
    }
    const rank = ranks.get((bytesByRank[left] ?? '') + (bytesByRank[right] ?? '')) ?? noRank;
    if (memoCount >= memoSlots >> 1) {
      memoLeft.fill(-1);
      memoCount = 0;
      slot = home(left, right);
    }
    memoLeft[slot] = left;
    memoRight[slot] = right;
    memoRank[slot] = rank;
    memoCount++;
    return rank;
  };
}

/**
 * Parses js-tiktoken's compact rank data (`<tag> <first rank> <base64 bytes>...` lines of
 * consecutive ranks) into a {@link RankTable}.
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken/load.py
 */
export function createRankTable(data: EncodingData): RankTable {
  const ranks = new Map<string, number>();
  const bytesByRank: string[] = [];
  for (const line of data.bpe_ranks.split('\n')) {
    if (line === '') continue;
    const fields = line.split(' ');
    const firstRank = Number.parseInt(fields[1] ?? '', 10);
    for (let index = 2; index < fields.length; index++) {
      const rank = firstRank + index - 2;
      // atob yields exactly one char per decoded byte.
      const bytes = atob(fields[index] ?? '');
      ranks.set(bytes, rank);
      bytesByRank[rank] = bytes;
    }
  }
  const byteRanks = new Int32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    byteRanks[byte] = ranks.get(String.fromCharCode(byte)) ?? noRank;
  }
  const utf8 = new TextEncoder();
  const specialBytes = new Map<number, string>();
  for (const [text, id] of Object.entries(data.special_tokens)) {
    specialBytes.set(id, String.fromCharCode(...utf8.encode(text)));
  }
  return {
    ranks,
    bytesByRank,
    byteRanks,
    specialBytes,
    mergedRank: createMergedRank({ ranks, bytesByRank }),
  };
}
