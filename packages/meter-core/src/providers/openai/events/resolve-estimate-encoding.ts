import { encodingForModel } from '../../../tokenizer/encoding-for-model.js';
import type { EncodingName } from '../../../tokenizer/encoding-name.js';
import { UnknownModelError } from '../../../tokenizer/unknown-model-error.js';

/**
 * Picks the encoding for an estimate: the caller's, else the model's, else `o200k_base` (the
 * encoding of every current OpenAI family), because an estimate with the wrong vocabulary is
 * better than an unmetered response.
 */
export function resolveEstimateEncoding({
  model,
  encoding,
}: {
  model: string | null | undefined;
  encoding?: EncodingName | null | undefined;
}): EncodingName {
  if (encoding) return encoding;
  try {
    return encodingForModel(model ?? '');
  } catch (error) {
    if (error instanceof UnknownModelError) return 'o200k_base';
    throw error;
  }
}
