import type { EncodingData } from './encoding-data.js';

/**
 * The ranks of one encoding in flat typed arrays: the bytes of every rank side by side, and an
 * open-addressing hash table from byte sequence to rank. Building it is a single pass over the
 * rank data with no string per token, so the first count of a process stays fast.
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

// FNV-1a over bytes, then a final mix so that the low bits (the slot) depend on every byte.
const hashSeed = 0x811c9dc5;
const hashStep = (hash: number, byte: number): number => Math.imul(hash ^ byte, 0x01000193);
function hashFinish(hash: number): number {
  const mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  return mixed ^ (mixed >>> 13);
}

// The memo of merged ranks is an open-addressing hash table of 2^18 slots (3 MiB per encoding),
// emptied when half full: bounded memory whatever the input, and no allocation per lookup.
const memoBits = 18;
const memoSlots = 1 << memoBits;

function createMergedRank(
  concatenatedRank: (left: number, right: number) => number,
): (left: number, right: number) => number {
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
    const rank = concatenatedRank(left, right);
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

// Value of each base64 character (standard alphabet) by byte; -1 for everything else, `=` included.
const base64Values = new Int8Array(256).fill(-1);
for (const [index, character] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
].entries()) {
  base64Values[character.charCodeAt(0)] = index;
}

function invalidBase64(position: number): Error {
  return new Error(`Rank data is not valid base64 at character ${position}`);
}

function grow(array: Int32Array, minimum: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(Math.max(minimum, array.length * 2));
  grown.set(array);
  return grown;
}

/**
 * Parses js-tiktoken's compact rank data (`<tag> <first rank> <base64 bytes>...` lines of
 * consecutive ranks) into a {@link RankTable}, decoding the base64 straight into one byte array.
 */
export function createRankTable(data: EncodingData): RankTable {
  const text = data.bpe_ranks;
  // The data is ASCII, so its UTF-8 bytes sit at the same positions as its characters, and typed
  // array reads are cheaper than charCodeAt.
  const source = new TextEncoder().encode(text);
  if (source.length !== text.length) throw new Error('Rank data must be ASCII (base64 tokens)');
  // Base64 never decodes to more bytes than it has characters.
  const parsedBytes = new Uint8Array(text.length);
  let parsedStarts = new Int32Array(1024);
  let parsedEnds = new Int32Array(1024);
  let written = 0;
  let rankCount = 0;
  let position = 0;
  while (position < text.length) {
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd < 0) lineEnd = text.length;
    // Skip the tag, then read the first rank of the line.
    const tagEnd = text.indexOf(' ', position);
    if (tagEnd < 0 || tagEnd >= lineEnd) {
      position = lineEnd + 1;
      continue;
    }
    let rank = 0;
    position = tagEnd + 1;
    for (let code = text.charCodeAt(position); code >= 48 && code <= 57; ) {
      rank = rank * 10 + code - 48;
      code = text.charCodeAt(++position);
    }
    while (position < lineEnd) {
      position++; // the space before each token
      let tokenEnd = position;
      while (tokenEnd < lineEnd && source[tokenEnd] !== 32) tokenEnd++;
      if (rank >= parsedStarts.length) {
        parsedStarts = grow(parsedStarts, rank + 1);
        parsedEnds = grow(parsedEnds, rank + 1);
      }
      parsedStarts[rank] = written;
      // Whole groups of four characters, then an unpadded tail of two or three, if any.
      let padded = false;
      for (; position + 4 <= tokenEnd; position += 4) {
        const first = base64Values[source[position] as number] as number;
        const second = base64Values[source[position + 1] as number] as number;
        const third = base64Values[source[position + 2] as number] as number;
        const fourth = base64Values[source[position + 3] as number] as number;
        if ((first | second) < 0) throw invalidBase64(position);
        parsedBytes[written++] = (first << 2) | (second >> 4);
        if (third < 0 || fourth < 0) {
          if (third >= 0) parsedBytes[written++] = ((second & 15) << 4) | (third >> 2);
          padded = true;
          break;
        }
        parsedBytes[written++] = ((second & 15) << 4) | (third >> 2);
        parsedBytes[written++] = ((third & 3) << 6) | fourth;
      }
      const tail = padded ? 0 : tokenEnd - position;
      if (tail >= 2) {
        const first = base64Values[source[position] as number] as number;
        const second = base64Values[source[position + 1] as number] as number;
        if ((first | second) < 0) throw invalidBase64(position);
        parsedBytes[written++] = (first << 2) | (second >> 4);
        const third = tail === 3 ? (base64Values[source[position + 2] as number] as number) : -1;
        if (third >= 0) parsedBytes[written++] = ((second & 15) << 4) | (third >> 2);
      }
      position = tokenEnd;
      parsedEnds[rank] = written;
      rank++;
      if (rank > rankCount) rankCount = rank;
    }
    position = lineEnd + 1;
  }
  const bytes = parsedBytes.slice(0, written);
  const starts = parsedStarts.slice(0, rankCount);
  const ends = parsedEnds.slice(0, rankCount);

  const slotCount = 2 ** Math.ceil(Math.log2(Math.max(rankCount, 1) * 2));
  const slotMask = slotCount - 1;
  const slots = new Int32Array(slotCount).fill(-1);
  for (let rank = 0; rank < rankCount; rank++) {
    const start = starts[rank] as number;
    const end = ends[rank] as number;
    if (end === start) continue; // a gap in the ranks
    let hash = hashSeed;
    for (let index = start; index < end; index++) hash = hashStep(hash, bytes[index] as number);
    let slot = hashFinish(hash) & slotMask;
    while ((slots[slot] as number) >= 0) slot = (slot + 1) & slotMask;
    slots[slot] = rank;
  }

  function rankOf(source: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (length <= 0) return noRank;
    let hash = hashSeed;
    for (let index = start; index < end; index++) hash = hashStep(hash, source[index] as number);
    for (let slot = hashFinish(hash) & slotMask; ; slot = (slot + 1) & slotMask) {
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
    let hash = hashSeed;
    for (let index = leftStart; index < leftEnd; index++)
      hash = hashStep(hash, bytes[index] as number);
    for (let index = rightStart; index < rightEnd; index++) {
      hash = hashStep(hash, bytes[index] as number);
    }
    for (let slot = hashFinish(hash) & slotMask; ; slot = (slot + 1) & slotMask) {
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
  for (const [name, id] of Object.entries(data.special_tokens)) {
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
