/** The part of meter-core's tokenizer this module needs. */
interface TokenCodec {
  encode(text: string): number[];
  decode(tokens: number[]): string;
}

/**
 * One stream delta and the number of tokens it carries (more than 1 only where a character
 * spans tokens).
 */
export interface TokenPiece {
  text: string;
  tokens: number;
}

/**
 * Cuts text into stream deltas of one token each, as OpenAI streams them. A token that ends
 * inside a multi-byte UTF-8 character is merged with the following ones until the delta is valid
 * text, so every piece decodes cleanly, the pieces join to exactly `text`, and their token counts
 * add up to the tokens of `text` (what a stream cut after any piece has generated).
 */
export function splitIntoTokenPieces({
  text,
  tokenizer,
}: {
  text: string;
  tokenizer: TokenCodec;
}): TokenPiece[] {
  const pieces: TokenPiece[] = [];
  let offset = 0;
  let pending: number[] = [];
  for (const token of tokenizer.encode(text)) {
    pending.push(token);
    const piece = tokenizer.decode(pending);
    // A partial character decodes to U+FFFD, which then differs from the original text.
    if (!text.startsWith(piece, offset)) continue;
    pieces.push({ text: piece, tokens: pending.length });
    offset += piece.length;
    pending = [];
  }
  if (offset < text.length) pieces.push({ text: text.slice(offset), tokens: pending.length });
  return pieces;
}

/**
 * The deltas of {@link splitIntoTokenPieces}, as text only.
 */
export function splitIntoTokenChunks(input: { text: string; tokenizer: TokenCodec }): string[] {
  return splitIntoTokenPieces(input).map((piece) => piece.text);
}

/**
 * Returns the longest prefix of `text` that is at most `maxTokens` tokens, cut on a token
 * boundary (and never inside a character), with its token count.
 */
export function truncateToTokens({
  text,
  maxTokens,
  tokenizer,
}: {
  text: string;
  maxTokens: number;
  tokenizer: TokenCodec;
}): { text: string; tokens: number; truncated: boolean } {
  const tokens = tokenizer.encode(text);
  if (tokens.length <= maxTokens) return { text, tokens: tokens.length, truncated: false };
  for (let length = maxTokens; length > 0; length -= 1) {
    const prefix = tokenizer.decode(tokens.slice(0, length));
    // Keep only prefixes that are real text and re-encode to the same count, so the usage we
    // report equals what a client recounts from the text.
    if (text.startsWith(prefix) && tokenizer.encode(prefix).length === length) {
      return { text: prefix, tokens: length, truncated: true };
    }
  }
  return { text: '', tokens: 0, truncated: true };
}
