import { createHash } from 'node:crypto';

// OpenAI caches prompts of 1,024 tokens or more and reports hits in 128-token increments.
const minimumCachedTokens = 1024;
const cacheIncrement = 128;

/**
 * Remembers the token prefixes of earlier prompts, like OpenAI's automatic prompt caching.
 * @see https://platform.openai.com/docs/guides/prompt-caching
 */
export interface PromptCache {
  /**
   * Returns how many leading tokens of this prompt were seen before (0, or 1,024 + k·128), then
   * remembers the prompt's own prefixes for later requests.
   */
  lookupAndStore(input: { model: string; tokens: readonly number[] }): number;
}

/**
 * Creates an in-memory {@link PromptCache}, scoped per model like OpenAI's. It stores a hash per
 * 128-token boundary past 1,024, never the tokens themselves.
 * @see https://platform.openai.com/docs/guides/prompt-caching
 */
export function createPromptCache(): PromptCache {
  const seen = new Set<string>();
  return {
    lookupAndStore({ model, tokens }) {
      if (tokens.length < minimumCachedTokens) return 0;
      const hash = createHash('sha256').update(model);
      const boundaryKeys: Array<{ length: number; key: string }> = [];
      for (let start = 0; start + cacheIncrement <= tokens.length; start += cacheIncrement) {
        hash.update(Uint32Array.from(tokens.slice(start, start + cacheIncrement)));
        const length = start + cacheIncrement;
        if (length >= minimumCachedTokens)
          boundaryKeys.push({ length, key: hash.copy().digest('hex') });
      }
      let cached = 0;
      for (const { length, key } of boundaryKeys) {
        if (seen.has(key)) cached = length;
        seen.add(key);
      }
      return cached;
    },
  };
}
