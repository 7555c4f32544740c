import { getTokenizer } from '@llm-meter/meter-core';
import { describe, expect, it } from 'vitest';
import { splitIntoTokenChunks, truncateToTokens } from './split-into-token-chunks.js';

const tokenizer = getTokenizer('o200k_base');

describe('splitIntoTokenChunks', () => {
  it('gives one chunk per token for plain text', () => {
    const text = 'The meter counts every token exactly once.';
    const chunks = splitIntoTokenChunks({ text, tokenizer });
    expect(chunks.join('')).toBe(text);
    expect(chunks).toHaveLength(tokenizer.encode(text).length);
  });

  it.each(['🎉🎊 party', '日本語のテキスト', 'naïve café — “quoted” …', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 mixed ascii'])(
    'merges partial UTF-8 tokens so every chunk is valid text: %s',
    (text) => {
      const chunks = splitIntoTokenChunks({ text, tokenizer });
      expect(chunks.join('')).toBe(text);
      for (const chunk of chunks) expect(chunk).not.toContain('\uFFFD');
      expect(chunks.length).toBeLessThanOrEqual(tokenizer.encode(text).length);
    },
  );
});

describe('truncateToTokens', () => {
  it('cuts on a token boundary at exactly the limit', () => {
    const text = 'Careful engineers measure twice and charge fairly today.';
    const cut = truncateToTokens({ text, maxTokens: 4, tokenizer });
    expect(cut).toEqual({
      text: tokenizer.decode(tokenizer.encode(text).slice(0, 4)),
      tokens: 4,
      truncated: true,
    });
    expect(truncateToTokens({ text, maxTokens: 1000, tokenizer })).toEqual({
      text,
      tokens: tokenizer.encode(text).length,
      truncated: false,
    });
  });
});
