import { describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens.js';

describe('countTokens', () => {
  it.each([
    { given: { text: 'Hello, world!', model: 'gpt-4o' }, want: 4 },
    { given: { text: 'Hello, world!', model: 'gpt-4' }, want: 4 },
    { given: { text: '', model: 'gpt-4o' }, want: 0 },
    { given: { text: 'こんにちは世界', model: 'gpt-4o-mini' }, want: 2 },
    { given: { text: 'こんにちは世界', model: 'gpt-3.5-turbo' }, want: 4 },
  ])('counts $given.text for $given.model', ({ given, want }) => {
    expect(countTokens(given)).toBe(want);
  });

  it('counts special-token text as plain text', () => {
    expect(countTokens({ text: '<|endoftext|>', model: 'gpt-4o' })).toBe(7);
    expect(
      countTokens({ text: 'a<|endofprompt|>b<|fim_prefix|>', model: 'gpt-4' }),
    ).toBeGreaterThan(3);
  });

  it('uses the named encoding for unknown models', () => {
    expect(
      countTokens({ text: 'Hello, world!', model: 'my-proxy-model', encoding: 'o200k_base' }),
    ).toBe(4);
    expect(() =>
      countTokens({ text: 'Hello', model: 'my-proxy-model' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[UnknownModelError: No token encoding is known for model "my-proxy-model": pass one explicitly, e.g. { encoding: 'o200k_base' } (gpt-4o and later) or { encoding: 'cl100k_base' } (gpt-4, gpt-3.5-turbo).]`,
    );
  });
});
