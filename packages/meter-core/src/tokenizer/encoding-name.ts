/**
 * Names of the byte-pair encodings this package can count with: `o200k_base` (gpt-4o and later),
 * `cl100k_base` (gpt-4, gpt-3.5-turbo, embeddings) and the legacy `p50k_base` and `r50k_base`.
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken_ext/openai_public.py
 */
export type EncodingName = 'o200k_base' | 'cl100k_base' | 'p50k_base' | 'r50k_base';

/**
 * Every supported encoding name, in order from newest to oldest.
 */
export const encodingNames: readonly EncodingName[] = [
  'o200k_base',
  'cl100k_base',
  'p50k_base',
  'r50k_base',
];

/**
 * Tells whether a string names a supported encoding.
 */
export function isEncodingName(value: unknown): value is EncodingName {
  return typeof value === 'string' && (encodingNames as readonly string[]).includes(value);
}
