import { encodingForModel } from './encoding-for-model.js';
import type { EncodingName } from './encoding-name.js';
import { getTokenizer } from './get-tokenizer.js';

/**
 * Options shared by the counting functions.
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken/model.py
 */
export interface CountOptions {
  /** Encoding to use instead of the one derived from the model name (required for unknown models). */
  encoding?: EncodingName | null | undefined;
}

/**
 * Counts the tokens of `text` as `model` tokenizes it; special-token text counts as plain text.
 * Throws `UnknownModelError` when the model is unknown and no encoding is given.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
export function countTokens({
  text,
  model,
  encoding,
}: { text: string; model: string } & CountOptions): number {
  return getTokenizer(encoding ?? encodingForModel(model)).count(text);
}
