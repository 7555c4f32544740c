import fc from 'fast-check';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import p50kBase from 'js-tiktoken/ranks/p50k_base';
import r50kBase from 'js-tiktoken/ranks/r50k_base';
import { describe, expect, it } from 'vitest';
import { encodingNames } from './encoding-name.js';
import { getTokenizer } from './get-tokenizer.js';

// js-tiktoken with its own rank files is the reference: encode with no special tokens allowed or
// disallowed is tiktoken's encode_ordinary. Its merge is quadratic, so generated strings stay short.
const references: Record<string, Tiktoken> = {
  o200k_base: new Tiktoken(o200kBase),
  cl100k_base: new Tiktoken(cl100kBase),
  p50k_base: new Tiktoken(p50kBase),
  r50k_base: new Tiktoken(r50kBase),
};

function referenceEncode({ encoding, text }: { encoding: string; text: string }): number[] {
  return references[encoding]?.encode(text, [], []) ?? [];
}

// Fragments that stress pre-tokenization and merging: scripts without spaces, combining marks,
// emoji sequences, whitespace runs, contractions, digits and special-token text.
const fragments = [
  'Hello',
  ' world',
  "'s",
  "'LL",
  'สวัสดีครับ',
  '中文没有标点',
  'こんにちは',
  '한국어',
  'é',
  'e\u0301\u0308',
  '👩‍👩‍👧‍👦',
  '🇫🇷',
  '🎉',
  ' ',
  '   ',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\u3000',
  '12345',
  '٣٤',
  '!!!',
  '...',
  '<|endoftext|>',
  '<|endofprompt|>',
  '<|fim_prefix|>',
  'aaaaaaaa',
  'ÀÉÎ',
  'ǅungla',
  '\u200d',
  '\ufeff',
];

const textArbitrary = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...fragments), maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

describe.each(encodingNames)('getTokenizer(%s)', (encoding) => {
  const tokenizer = getTokenizer(encoding);

  it('encodes exactly as js-tiktoken and decodes back to the input', () => {
    fc.assert(
      fc.property(textArbitrary, (text) => {
        const tokens = tokenizer.encode(text);
        expect(tokens).toEqual(referenceEncode({ encoding, text }));
        expect(tokenizer.decode(tokens)).toBe(text);
        expect(tokenizer.count(text)).toBe(tokens.length);
      }),
      { numRuns: encoding === 'o200k_base' || encoding === 'cl100k_base' ? 400 : 150 },
    );
  });

  it.each([
    { given: 'a'.repeat(1500), name: 'a long run of one letter' },
    { given: 'สวัสดีครับ'.repeat(60), name: 'Thai without spaces' },
    { given: '中文没有标点符号的文本'.repeat(50), name: 'Chinese without punctuation' },
    { given: ' '.repeat(700), name: 'a whitespace run' },
    { given: '🎉'.repeat(200), name: 'an emoji run' },
    {
      given: `${'x'.repeat(97)} ${'ab'.repeat(300)}`,
      name: 'pieces either side of the scan limit',
    },
  ])('matches js-tiktoken on $name', ({ given }) => {
    expect(tokenizer.encode(given)).toEqual(referenceEncode({ encoding, text: given }));
  });
});

describe('getTokenizer', () => {
  it('treats special-token text as plain text', () => {
    const tokenizer = getTokenizer('o200k_base');
    expect(tokenizer.encode('<|endoftext|>')).toMatchInlineSnapshot(`
      [
        27,
        91,
        419,
        1440,
        919,
        91,
        29,
      ]
    `);
    expect(tokenizer.decode(tokenizer.encode('a<|endoftext|>b'))).toBe('a<|endoftext|>b');
  });

  it('decodes special token ids to their text and refuses unknown ids', () => {
    const tokenizer = getTokenizer('cl100k_base');
    expect(tokenizer.decode([100257])).toBe('<|endoftext|>');
    expect(() => tokenizer.decode([999_999])).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: Token 999999 is not in the cl100k_base vocabulary]`,
    );
  });

  it('decodes token by token to byte fragments that join back to the text', () => {
    const tokenizer = getTokenizer('o200k_base');
    const text = 'naïve 🎉 สวัสดี';
    const bytes = tokenizer.encode(text).map((token) => tokenizer.decode([token]));
    expect(bytes.some((fragment) => fragment.includes('\ufffd'))).toBe(true);
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('refuses an unknown encoding name', () => {
    expect(() => getTokenizer('gpt2' as never)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: Unknown encoding "gpt2": expected one of o200k_base, cl100k_base, p50k_base, r50k_base]`,
    );
  });

  it('returns the same instance for an encoding', () => {
    expect(getTokenizer('o200k_base')).toBe(getTokenizer('o200k_base'));
  });
});
