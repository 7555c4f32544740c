import { createBpeTokenizer } from './create-bpe-tokenizer.js';
import { type EncodingName, encodingNames, isEncodingName } from './encoding-name.js';
import { loadRankFile } from './load-rank-file.js';

/**
 * Encodes text to token ids and back for one encoding. Special-token text such as
 * `<|endoftext|>` is always treated as plain text: it never becomes a special token and never
 * throws.
 * @see https://github.com/openai/tiktoken
 */
export interface Tokenizer {
  readonly encoding: EncodingName;
  /** Token ids of `text`, identical to tiktoken's `encode_ordinary`. */
  encode(text: string): number[];
  /** Text of `tokens`; bytes that do not form valid UTF-8 on their own decode to U+FFFD. */
  decode(tokens: readonly number[]): string;
  /** Number of tokens in `text`, the same as `encode(text).length`. */
  count(text: string): number;
}

const tokenizers = new Map<EncodingName, Tokenizer>();

/**
 * Returns the tokenizer of an encoding, built once on first use (which reads that encoding's rank
 * file) and shared afterwards. Throws a RangeError for a name that is not an {@link EncodingName}.
 * @see https://github.com/openai/tiktoken
 */
export function getTokenizer(encoding: EncodingName): Tokenizer {
  let tokenizer = tokenizers.get(encoding);
  if (tokenizer === undefined) {
    // Callers without types (or with a name from configuration) get a clear error, not a crash.
    if (!isEncodingName(encoding)) {
      throw new RangeError(
        `Unknown encoding ${JSON.stringify(encoding)}: expected one of ${encodingNames.join(', ')}`,
      );
    }
    tokenizer = createBpeTokenizer({ encoding, rankFile: loadRankFile(encoding) });
    tokenizers.set(encoding, tokenizer);
  }
  return tokenizer;
}
