import { describe, expect, it } from 'vitest';
import { createPromptCache } from './create-prompt-cache.js';

const tokens = (length: number, offset = 0) => Array.from({ length }, (_, index) => index + offset);

describe('createPromptCache', () => {
  it('caches nothing below 1,024 tokens and nothing on first sight', () => {
    const cache = createPromptCache();
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: tokens(1000) })).toBe(0);
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: tokens(1000) })).toBe(0);
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: tokens(1300) })).toBe(0);
  });

  it('reports the shared prefix in 128-token steps, per model', () => {
    const cache = createPromptCache();
    cache.lookupAndStore({ model: 'gpt-4o', tokens: tokens(1300) });
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: tokens(1300) })).toBe(1280);
    expect(
      cache.lookupAndStore({ model: 'gpt-4o', tokens: [...tokens(1200), ...tokens(500, 99_999)] }),
    ).toBe(1152);
    expect(cache.lookupAndStore({ model: 'gpt-4o-mini', tokens: tokens(1300) })).toBe(0);
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: tokens(1300, 1) })).toBe(0);
  });

  it('forgets the least recently used prefixes beyond maxPrefixes', () => {
    // A 1,300-token prompt has 3 prefixes (1,024, 1,152 and 1,280 tokens).
    const cache = createPromptCache({ maxPrefixes: 6 });
    const first = tokens(1300);
    const second = tokens(1300, 10_000);
    const third = tokens(1300, 20_000);
    cache.lookupAndStore({ model: 'gpt-4o', tokens: first });
    cache.lookupAndStore({ model: 'gpt-4o', tokens: second });
    // Using the first prompt again makes the second the least recently used.
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: first })).toBe(1280);
    cache.lookupAndStore({ model: 'gpt-4o', tokens: third });
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: first })).toBe(1280);
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: second })).toBe(0);
  });

  it('caches nothing with maxPrefixes 0 and refuses an invalid size', () => {
    const cache = createPromptCache({ maxPrefixes: 0 });
    cache.lookupAndStore({ model: 'gpt-4o', tokens: tokens(1300) });
    expect(cache.lookupAndStore({ model: 'gpt-4o', tokens: tokens(1300) })).toBe(0);
    expect(() => createPromptCache({ maxPrefixes: -1 })).toThrow(RangeError);
    expect(() => createPromptCache({ maxPrefixes: 1.5 })).toThrow(RangeError);
  });
});
