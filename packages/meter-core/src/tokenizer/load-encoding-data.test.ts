import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import p50kBase from 'js-tiktoken/ranks/p50k_base';
import r50kBase from 'js-tiktoken/ranks/r50k_base';
import { describe, expect, it, vi } from 'vitest';
import { loadEncodingData } from './load-encoding-data.js';

describe('loadEncodingData', () => {
  it.each([
    { encoding: 'o200k_base', want: o200kBase },
    { encoding: 'cl100k_base', want: cl100kBase },
    { encoding: 'p50k_base', want: p50kBase },
    { encoding: 'r50k_base', want: r50kBase },
  ] as const)('loads exactly js-tiktoken’s $encoding', ({ encoding, want }) => {
    const data = loadEncodingData(encoding);
    expect(data.pat_str).toBe(want.pat_str);
    expect(data.special_tokens).toEqual(want.special_tokens);
    // Not toBe: a mismatch would print megabytes.
    expect(data.bpe_ranks === want.bpe_ranks).toBe(true);
  });
});

describe('rank data', () => {
  it('is loaded per encoding on first use, none when the package is imported', async () => {
    // Fresh instances of the package's modules: nothing this file did before counts.
    vi.resetModules();
    const { loadedEncodings } = await import('./load-encoding-data.js');
    const { getTokenizer, toUsageEvent } = await import('../index.js');
    expect(typeof toUsageEvent).toBe('function');
    expect(loadedEncodings()).toEqual([]);
    expect(getTokenizer('o200k_base').count('Hello, world!')).toBe(4);
    expect(getTokenizer('o200k_base').count('Hello again')).toBe(2);
    expect(loadedEncodings()).toEqual(['o200k_base']);
    expect(getTokenizer('p50k_base').count('Hello,    world!')).toBe(5);
    expect(loadedEncodings()).toEqual(['o200k_base', 'p50k_base']);
  });

  it('is imported by no module of the package (only required by the loader)', () => {
    const source = fileURLToPath(new URL('..', import.meta.url));
    const modules = readdirSync(source, { recursive: true, encoding: 'utf8' }).filter(
      (path) => /\.ts$/.test(path) && !/\.test(-d)?\.ts$|__fixtures__/.test(path),
    );
    expect(modules).toContain('index.ts');
    const importing = modules.filter((path) =>
      /(?:from|import\()\s*['"]js-tiktoken/.test(readFileSync(`${source}/${path}`, 'utf8')),
    );
    expect(importing).toEqual([]);
  });
});
