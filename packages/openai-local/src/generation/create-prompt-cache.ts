import { createHash } from 'node:crypto';

// OpenAI caches prompts of 1,024 tokens or more and reports hits in 128-token increments.
const minimumCachedTokens = 1024;
const cacheIncrement = 128;

/**
 * Remembers the token prefixes of earlier prompts, like OpenAI's automatic prompt caching.
 */
export interface PromptCache {
  /**
   * Returns how many leading tokens of this prompt were seen before (0, or 1,024 + k·128), then
   * remembers the prompt's own prefixes for later requests.
   */
  lookupAndStore(input: { model: string; tokens: readonly number[] }): number;
}

/** How many prefixes a {@link createPromptCache} cache remembers by default. */
export const defaultPromptCacheSize = 10_000;

/**
 * Creates an in-memory {@link PromptCache}, scoped per model like OpenAI's. It stores a hash per
 * 128-token boundary past 1,024 (one prefix each), never the tokens themselves, and forgets the
 * least recently used prefixes beyond `maxPrefixes` (default 10,000; 0 caches nothing), so a
 * long-running server stays bounded as OpenAI's cache evicts too.
 */
export function createPromptCache({
  maxPrefixes = defaultPromptCacheSize,
}: {
  maxPrefixes?: number | undefined;
} = {}): PromptCache {
  if (!Number.isInteger(maxPrefixes) || maxPrefixes < 0) {
    throw new RangeError(
      `Invalid promptCacheSize ${maxPrefixes}: pass a non-negative integer (prefixes to remember).`,
    );
  }
  // A Map iterates in insertion order: re-inserting on every use keeps the least recently used
  // prefix first, so eviction takes from the front.
  const seen = new Map<string, true>();
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
      // Longest first, so a prompt's shorter prefixes (shared by more prompts) are evicted last.
      for (const { length, key } of boundaryKeys.reverse()) {
        if (seen.delete(key)) cached = Math.max(cached, length);
        seen.set(key, true);
      }
      for (const key of seen.keys()) {
        if (seen.size <= maxPrefixes) break;
        seen.delete(key);
      }
      return cached;
    },
  };
}
