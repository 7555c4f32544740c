/**
 * Tokens of recently seen ASCII pieces, looked up by a range of the caller's text: no substring is
 * made and no string hashed, which is most of what a `Map<string, …>` lookup costs per piece.
 * Keys and tokens live in flat typed arrays of fixed size (about 3 MiB in all), emptied
 * whenever one of them is full, so memory stays bounded whatever the input.
 */
export interface AsciiPieceCache {
  /** Tokens of all entries side by side; entry `e` owns `tokens[tokenStarts[e]]` onwards. */
  readonly tokens: Int32Array;
  readonly tokenStarts: Int32Array;
  readonly tokenCounts: Int32Array;
  /** Entry holding `text` from `start` up to (excluding) `end`, or -1. */
  find: (text: string, start: number, end: number) => number;
  /**
   * Stores the tokens of `text` from `start` to `end` (which {@link find} just missed, and whose
   * characters are ASCII); returns its entry.
   */
  add: (text: string, start: number, end: number, pieceTokens: readonly number[]) => number;
}

/** Longest piece, in characters, that the cache holds. */
export const asciiPieceCacheLimit = 256;

const slotBits = 16;
const slotMask = (1 << slotBits) - 1;
// Half the slots at most, so that probe sequences stay short.
const entryCapacity = 1 << (slotBits - 1);
const keyCapacity = 1 << 20;
const tokenCapacity = 1 << 18;

// FNV-1a over the character codes, then a final mix so that the slot depends on every character.
function hashRange(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  const mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  return mixed ^ (mixed >>> 13);
}

/** Creates an empty {@link AsciiPieceCache}. */
export function createAsciiPieceCache(): AsciiPieceCache {
  const slots = new Int32Array(slotMask + 1).fill(-1);
  const hashes = new Int32Array(entryCapacity);
  const keyStarts = new Int32Array(entryCapacity);
  const keyLengths = new Int32Array(entryCapacity);
  const tokenStarts = new Int32Array(entryCapacity);
  const tokenCounts = new Int32Array(entryCapacity);
  const keys = new Uint8Array(keyCapacity);
  const tokens = new Int32Array(tokenCapacity);
  let entries = 0;
  let keysUsed = 0;
  let tokensUsed = 0;

  function find(text: string, start: number, end: number): number {
    const hash = hashRange(text, start, end);
    const length = end - start;
    for (let slot = hash & slotMask; ; slot = (slot + 1) & slotMask) {
      const entry = slots[slot] as number;
      if (entry < 0) return -1;
      if (hashes[entry] !== hash || keyLengths[entry] !== length) continue;
      const keyStart = keyStarts[entry] as number;
      let index = 0;
      while (index < length && keys[keyStart + index] === text.charCodeAt(start + index)) index++;
      if (index === length) return entry;
    }
  }

  function add(text: string, start: number, end: number, pieceTokens: readonly number[]): number {
    const length = end - start;
    if (
      entries === entryCapacity ||
      keysUsed + length > keyCapacity ||
      tokensUsed + pieceTokens.length > tokenCapacity
    ) {
      slots.fill(-1);
      entries = 0;
      keysUsed = 0;
      tokensUsed = 0;
    }
    const hash = hashRange(text, start, end);
    let slot = hash & slotMask;
    while ((slots[slot] as number) >= 0) slot = (slot + 1) & slotMask;
    const entry = entries++;
    slots[slot] = entry;
    hashes[entry] = hash;
    keyStarts[entry] = keysUsed;
    keyLengths[entry] = length;
    for (let index = start; index < end; index++) keys[keysUsed++] = text.charCodeAt(index);
    tokenStarts[entry] = tokensUsed;
    tokenCounts[entry] = pieceTokens.length;
    for (const token of pieceTokens) tokens[tokensUsed++] = token;
    return entry;
  }

  return { tokens, tokenStarts, tokenCounts, find, add };
}
