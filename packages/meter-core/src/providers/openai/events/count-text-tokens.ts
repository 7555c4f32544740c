import type { EncodingName } from '../../../tokenizer/encoding-name.js';
import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';

/**
 * Sums the token counts of several texts, encoding each one once (completion text, refusals,
 * tool-call names and arguments). Empty texts cost nothing.
 */
export function countTextTokens({
  texts,
  encoding,
}: {
  texts: Iterable<string>;
  encoding: EncodingName;
}): number {
  const tokenizer = getTokenizer(encoding);
  let tokens = 0;
  for (const text of texts) {
    if (text.length > 0) tokens += tokenizer.count(text);
  }
  return tokens;
}
