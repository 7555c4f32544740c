import { createHash } from 'node:crypto';
import type { AnthropicModel } from './anthropic-models.js';
import type { CacheLifetime, PromptUnit } from './count-anthropic-prompt.js';

/**
 * What one request reads from and writes to the prompt cache, in tokens.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export interface CacheUse {
  read: number;
  write5m: number;
  write1h: number;
}

/**
 * Anthropic's prompt cache as openai-local simulates it: prefixes ending at a `cache_control`
 * breakpoint, per model, kept for their lifetime (5 minutes or 1 hour, refreshed on each hit) on
 * the server's clock.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
export interface AnthropicPromptCache {
  /** Reads the longest cached prefix, writes the rest up to the last breakpoint, and stores it. */
  use(input: { model: AnthropicModel; units: readonly PromptUnit[]; now: Date }): CacheUse;
}

const lifetimeMs: Record<CacheLifetime, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/**
 * Creates an empty {@link AnthropicPromptCache} remembering at most `maxPrefixes` prefixes (the
 * least recently used go first); `0` remembers none, so every breakpoint is written again.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
export function createAnthropicPromptCache({
  maxPrefixes,
}: {
  maxPrefixes: number;
}): AnthropicPromptCache {
  const expiries = new Map<string, number>();
  return {
    use({ model, units, now }) {
      const hash = createHash('sha256').update(model.snapshot);
      const breakpoints: Array<{ tokens: number; key: string; lifetime: CacheLifetime }> = [];
      let tokens = 0;
      for (const unit of units) {
        tokens += unit.tokens;
        hash.update(`\u0000${unit.content}`);
        if (unit.breakpoint !== undefined && tokens >= model.minimumCacheTokens) {
          breakpoints.push({ tokens, key: hash.copy().digest('hex'), lifetime: unit.breakpoint });
        }
      }
      const time = now.getTime();
      let read = 0;
      for (const breakpoint of breakpoints) {
        const expiry = expiries.get(breakpoint.key);
        if (expiry !== undefined && expiry > time) read = Math.max(read, breakpoint.tokens);
      }
      const use: CacheUse = { read, write5m: 0, write1h: 0 };
      let previous = read;
      for (const breakpoint of breakpoints) {
        if (breakpoint.tokens > previous) {
          const written = breakpoint.tokens - previous;
          if (breakpoint.lifetime === '1h') use.write1h += written;
          else use.write5m += written;
          previous = breakpoint.tokens;
        }
        // A hit refreshes the lifetime; a write starts it.
        expiries.delete(breakpoint.key);
        if (maxPrefixes > 0) expiries.set(breakpoint.key, time + lifetimeMs[breakpoint.lifetime]);
      }
      for (const key of expiries.keys()) {
        if (expiries.size <= maxPrefixes) break;
        expiries.delete(key);
      }
      return use;
    },
  };
}
