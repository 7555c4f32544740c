import { bytePairEncode } from './byte-pair-encode.js';
import { createRankTable } from './create-rank-table.js';
import type { EncodingData } from './encoding-data.js';
import type { EncodingName } from './encoding-name.js';
import type { Tokenizer } from './get-tokenizer.js';

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF: it is text the caller sent, not a byte-order mark.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// Converts a piece to a binary string of its UTF-8 bytes; ASCII text already is one.
function toUtf8Binary(text: string): string {
  let ascii = true;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text;
  const bytes = utf8Encoder.encode(text);
  // fromCharCode takes its bytes as arguments, so convert in chunks below the argument limit.
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 8192) {
    binary += String.fromCharCode.apply(null, bytes.subarray(offset, offset + 8192) as never);
  }
  return binary;
}

/**
 * Builds a byte-pair tokenizer from an encoding's rank data: tiktoken's pre-tokenizer pattern
 * splits the text, then each piece merges in O(n log n). Output is identical to tiktoken's
 * `encode_ordinary`: special-token text is plain text.
 * @see https://github.com/openai/tiktoken/blob/main/src/lib.rs
 */
export function createBpeTokenizer({
  encoding,
  data,
}: {
  encoding: EncodingName;
  data: EncodingData;
}): Tokenizer {
  const table = createRankTable(data);
  const pattern = new RegExp(data.pat_str, 'gu');

  function encodeInto(text: string, output: number[]): void {
    // A fresh lastIndex per call keeps the shared pattern reentrant enough for sequential use.
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const piece = toUtf8Binary(match[0]);
      bytePairEncode({ piece, table, output });
    }
  }

  return {
    encoding,
    encode(text) {
      const output: number[] = [];
      encodeInto(text, output);
      return output;
    },
    decode(tokens) {
      let binary = '';
      for (const token of tokens) {
        const bytes = table.bytesByRank[token] ?? table.specialBytes.get(token);
        if (bytes === undefined) {
          throw new RangeError(`Token ${token} is not in the ${encoding} vocabulary`);
        }
        binary += bytes;
      }
      const buffer = new Uint8Array(binary.length);
      for (let index = 0; index < binary.length; index++) buffer[index] = binary.charCodeAt(index);
      return utf8Decoder.decode(buffer);
    },
    count(text) {
      const output: number[] = [];
      encodeInto(text, output);
      return output.length;
    },
  };
}
