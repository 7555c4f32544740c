/**
 * Rank data of one encoding as js-tiktoken ships it: the pre-tokenizer pattern, the special tokens
 * and the byte-sequence ranks (base64, grouped in runs of consecutive ranks). Read when the package
 * is built, to generate its rank files (`createRankFile`).
 */
export interface EncodingData {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}
