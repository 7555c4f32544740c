import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
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

// p50k_base is r50k_base plus one token for each run of 2 to 25 spaces, at ranks 50257 to 50280
// (same pattern, same special token). Deriving it spares parsing half a megabyte of rank data at
// import time; a test checks the result against js-tiktoken's p50k_base character for character.
const p50kBase: EncodingData = {
  ...r50kBase,
  bpe_ranks: `${r50kBase.bpe_ranks}\n! 50257 ${Array.from({ length: 24 }, (_, index) =>
    btoa(' '.repeat(index + 2)),
  ).join(' ')}`,
};

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
