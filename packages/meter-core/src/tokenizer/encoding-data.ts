import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import p50kBase from 'js-tiktoken/ranks/p50k_base';
import r50kBase from 'js-tiktoken/ranks/r50k_base';
import type { EncodingName } from './encoding-name.js';

/**
 * Rank data of one encoding as js-tiktoken ships it: the pre-tokenizer pattern, the special tokens
 * and the byte-sequence ranks (base64, grouped in runs of consecutive ranks).
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken_ext/openai_public.py
 */
export interface EncodingData {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/**
 * Rank data for every supported encoding, keyed by encoding name.
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken_ext/openai_public.py
 */
export const encodingData: Readonly<Record<EncodingName, EncodingData>> = {
  o200k_base: o200kBase,
  cl100k_base: cl100kBase,
  p50k_base: p50kBase,
  r50k_base: r50kBase,
};
