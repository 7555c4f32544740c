import { bytePairEncode } from './byte-pair-encode.js';
import { asciiPieceCacheLimit, createAsciiPieceCache } from './create-ascii-piece-cache.js';
import { createRankTable } from './create-rank-table.js';
import type { EncodingName } from './encoding-name.js';
import { findO200kAsciiPieceEnd, o200kPattern } from './find-o200k-ascii-piece-end.js';
import type { Tokenizer } from './get-tokenizer.js';
import type { RankFile } from './parse-rank-file.js';
import { withoutCapturingGroups } from './without-capturing-groups.js';

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF: it is text the caller sent, not a byte-order mark.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// Pieces up to this many UTF-16 code units have their tokens cached: real text repeats its words,
// identifiers, punctuation and (in scripts without spaces) phrases, so most pieces skip UTF-8
// encoding and merging altogether. The cache is emptied when it holds too many pieces or too many
// code units, which bounds its memory (about 4 MiB of piece text at most).
const cachedPieceLength = 256;
const cacheCapacity = 65_536;
const cacheUnitCapacity = 2_097_152;

/**
 * Builds a byte-pair tokenizer from an encoding's rank file: tiktoken's pre-tokenizer pattern
 * splits the text (for o200k_base, a hand-written split of the same pattern wherever the text is
 * ASCII), then each piece merges in O(n log n). Output is identical to tiktoken's
 * `encode_ordinary`: special-token text is plain text.
 */
export function createBpeTokenizer({
  encoding,
  rankFile,
}: {
  encoding: EncodingName;
  rankFile: RankFile;
}): Tokenizer {
  const table = createRankTable(rankFile);
  // Capturing groups only cost time here: every match is used whole.
  const pattern = new RegExp(withoutCapturingGroups(rankFile.pat_str), 'gu');
  // Tokens of recently seen pieces: one rank, or several.
  const cache = new Map<string, number | number[]>();
  let cachedUnits = 0;
  // UTF-8 of the current piece (3 bytes per UTF-16 code unit at most), reused across pieces up to
  // 64 KiB; a longer piece gets a buffer of its own, so one huge input does not pin its size.
  let scratch = new Uint8Array(1024);
  const merged: number[] = [];

  // Merges one piece into `merged` (emptied first); returns the buffer holding its UTF-8 bytes,
  // and leaves their count in `pieceLength`.
  let pieceLength = 0;
  function mergePiece(piece: string): Uint8Array {
    merged.length = 0;
    const units = piece.length;
    let bytes = scratch;
    if (units * 3 > bytes.length) {
      bytes = new Uint8Array(units * 3);
      if (bytes.length <= 65_536) scratch = bytes;
    }
    let length = 0;
    let ascii = true;
    for (; length < units; length++) {
      const code = piece.charCodeAt(length);
      if (code > 0x7f) {
        ascii = false;
        break;
      }
      bytes[length] = code;
    }
    if (!ascii) length = utf8Encoder.encodeInto(piece, bytes).written;
    bytePairEncode({ piece: bytes, length, table, output: merged });
    pieceLength = length;
    return bytes;
  }

  // Tokens of one piece, from the cache or merged (and cached when short).
  function piecesTokens(piece: string): number | number[] {
    const cached = cache.get(piece);
    if (cached !== undefined) return cached;
    const bytes = mergePiece(piece);
    const tokens = merged.length === 1 ? (merged[0] as number) : merged.slice();
    if (piece.length <= cachedPieceLength) {
      // A match of more than a dozen code units can share the characters of the caller's text (V8
      // slices long substrings), and keying the cache on it would keep that whole text alive: the
      // key is a fresh copy decoded from the bytes. Lone surrogates do not survive the round trip,
      // so such a piece is not cached.
      const key = piece.length <= 12 ? piece : utf8Decoder.decode(bytes.subarray(0, pieceLength));
      if (key === piece) {
        if (cache.size >= cacheCapacity || cachedUnits >= cacheUnitCapacity) {
          cache.clear();
          cachedUnits = 0;
        }
        cache.set(key, tokens);
        cachedUnits += key.length;
      }
    }
    return tokens;
  }

  // o200k_base text is split without the regex wherever it is ASCII (most prompts, code and
  // JSON), and its ASCII pieces are looked up by range: no match array, substring or string hash.
  const asciiCache = rankFile.pat_str === o200kPattern ? createAsciiPieceCache() : undefined;

  // Merges the ASCII piece text[start, end) into `merged` (emptied first).
  function mergeAsciiPiece(text: string, start: number, end: number): void {
    merged.length = 0;
    const length = end - start;
    let bytes = scratch;
    if (length > bytes.length) bytes = new Uint8Array(length);
    for (let index = 0; index < length; index++) bytes[index] = text.charCodeAt(start + index);
    bytePairEncode({ piece: bytes, length, table, output: merged });
  }

  // Tokens of `text`, appended to `output` when given; returns how many.
  function tokenize(text: string, output: number[] | undefined): number {
    let count = 0;
    let position = 0;
    while (position < text.length) {
      const end = asciiCache === undefined ? -1 : findO200kAsciiPieceEnd(text, position);
      if (asciiCache !== undefined && end > 0) {
        const short = end - position <= asciiPieceCacheLimit;
        const entry = short ? asciiCache.find(text, position, end) : -1;
        if (entry >= 0) {
          const first = asciiCache.tokenStarts[entry] as number;
          const last = first + (asciiCache.tokenCounts[entry] as number);
          count += last - first;
          if (output !== undefined) {
            for (let index = first; index < last; index++) {
              output.push(asciiCache.tokens[index] as number);
            }
          }
        } else {
          mergeAsciiPiece(text, position, end);
          if (short) asciiCache.add(text, position, end, merged);
          count += merged.length;
          if (output !== undefined) for (const token of merged) output.push(token);
        }
        position = end;
        continue;
      }
      // The regex decides: from `position`, one match (the pattern matches any character, so the
      // match starts there).
      pattern.lastIndex = position;
      const match = pattern.exec(text);
      if (match === null) break;
      const tokens = piecesTokens(match[0]);
      if (typeof tokens === 'number') {
        count++;
        output?.push(tokens);
      } else {
        count += tokens.length;
        if (output !== undefined) for (const token of tokens) output.push(token);
      }
      position = pattern.lastIndex;
    }
    return count;
  }

  return {
    encoding,
    encode(text) {
      const output: number[] = [];
      tokenize(text, output);
      return output;
    },
    decode(tokens) {
      const { bytes, starts, ends, specialBytes } = table;
      // Bytes of a token: a slice of the rank bytes, or a special token's UTF-8.
      const parts: Uint8Array[] = [];
      let size = 0;
      for (const token of tokens) {
        const start = starts[token];
        const end = ends[token];
        const part =
          start !== undefined && end !== undefined && end > start
            ? bytes.subarray(start, end)
            : specialBytes.get(token);
        if (part === undefined) {
          throw new RangeError(`Token ${token} is not in the ${encoding} vocabulary`);
        }
        parts.push(part);
        size += part.length;
      }
      const buffer = new Uint8Array(size);
      let offset = 0;
      for (const part of parts) {
        buffer.set(part, offset);
        offset += part.length;
      }
      return utf8Decoder.decode(buffer);
    },
    count(text) {
      return tokenize(text, undefined);
    },
  };
}
