import type { EncodingData } from './encoding-data.js';

/**
 * The byte sequence of every rank of an encoding, side by side: rank `r` is `bytes` from
 * `offsets[r]` up to (excluding) `offsets[r + 1]`; a rank with no bytes is a gap in the ranks.
 */
export interface RankBytes {
  bytes: Uint8Array;
  offsets: Int32Array;
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
 * consecutive ranks) into {@link RankBytes}, decoding the base64 straight into one byte array.
 * Runs when the package is built (scripts/generate-rank-files.ts), not when it counts.
 * @see https://github.com/dqbd/tiktoken/tree/main/js
 */
export function parseTiktokenRanks(data: EncodingData): RankBytes {
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
  // Lay the bytes out in rank order (whatever the order of the lines), so that each rank ends where
  // the next begins and one offset per rank is enough; a gap is an empty range.
  const bytes = new Uint8Array(written);
  const offsets = new Int32Array(rankCount + 1);
  let offset = 0;
  for (let rank = 0; rank < rankCount; rank++) {
    offsets[rank] = offset;
    const start = parsedStarts[rank] as number;
    const end = parsedEnds[rank] as number;
    bytes.set(parsedBytes.subarray(start, end), offset);
    offset += end - start;
  }
  offsets[rankCount] = offset;
  return { bytes, offsets };
}
