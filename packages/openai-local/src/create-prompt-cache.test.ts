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
});
