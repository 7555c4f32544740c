import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import p50kBase from 'js-tiktoken/ranks/p50k_base';
import r50kBase from 'js-tiktoken/ranks/r50k_base';
import { describe, expect, it } from 'vitest';
import { encodingData } from './encoding-data.js';

describe('encodingData', () => {
  it.each([
    { encoding: 'o200k_base', want: o200kBase },
    { encoding: 'cl100k_base', want: cl100kBase },
    { encoding: 'p50k_base', want: p50kBase },
    { encoding: 'r50k_base', want: r50kBase },
  ] as const)('holds exactly js-tiktoken’s $encoding', ({ encoding, want }) => {
    const data = encodingData[encoding];
    expect(data.pat_str).toBe(want.pat_str);
    expect(data.special_tokens).toEqual(want.special_tokens);
    // Not toBe: a mismatch would print megabytes.
    expect(data.bpe_ranks === want.bpe_ranks).toBe(true);
  });
});
