import { countTokens, type EncodingName, UnknownModelError } from '@llm-meter/meter-core';

/**
 * Builds a counter of the tokens in one chunk's new text, in the caller's encoding, else the
 * model's, else `o200k_base` (the encoding of every current OpenAI family): a snapshot in the
 * wrong vocabulary is better than none. The model's encoding is looked up once per model.
 */
export function createDeltaTokenCounter({
  encoding,
}: {
  encoding?: EncodingName | undefined;
}): (input: { text: string; model: string }) => number {
  let resolved: { model: string; encoding: EncodingName | undefined } | undefined;
  return ({ text, model }) => {
    if (encoding) return countTokens({ text, model, encoding });
    if (resolved?.model !== model) resolved = { model, encoding: undefined };
    if (resolved.encoding === undefined) {
      try {
        return countTokens({ text, model });
      } catch (error) {
        if (!(error instanceof UnknownModelError)) throw error;
        resolved.encoding = 'o200k_base';
      }
    }
    return countTokens({ text, model, encoding: resolved.encoding });
  };
}
