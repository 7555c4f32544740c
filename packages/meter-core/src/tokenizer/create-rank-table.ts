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
  /** Memo of merged ranks keyed `left * 2^18 + right`; grows with use, cleared when full. */
  mergedRanks: Map<number, number>;
}

/**
 * Rank used for "these bytes have no rank": above every real rank so it never wins a comparison.
 * @see https://github.com/openai/tiktoken/blob/main/src/lib.rs
 */
export const noRank = 0x7fffffff;

// Keeps the memo of merged ranks to a few tens of megabytes whatever the input.
const mergedRanksLimit = 1 << 19;

/**
 * Returns the rank of the bytes of `left` followed by the bytes of `right`, or {@link noRank}.
 * Memoized on the rank pair, which is cheaper than hashing a fresh slice of the piece.
 * @see https://github.com/openai/tiktoken/blob/main/src/lib.rs
 */
export function mergedRank({
  table,
  left,
  right,
}: {
  table: RankTable;
  left: number;
  right: number;
}): number {
  const key = left * 262144 + right;
  const memo = table.mergedRanks.get(key);
  if (memo !== undefined) return memo;
  const rank =
    table.ranks.get((table.bytesByRank[left] ?? '') + (table.bytesByRank[right] ?? '')) ?? noRank;
  if (table.mergedRanks.size >= mergedRanksLimit) table.mergedRanks.clear();
  table.mergedRanks.set(key, rank);
  return rank;
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
  // The key packing in mergedRank needs every rank below 2^18.
  if (bytesByRank.length > 262144) throw new RangeError('Encoding has more than 2^18 ranks');
  return { ranks, bytesByRank, byteRanks, specialBytes, mergedRanks: new Map() };
}
