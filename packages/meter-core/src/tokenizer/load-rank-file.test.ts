import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import p50kBase from 'js-tiktoken/ranks/p50k_base';
import r50kBase from 'js-tiktoken/ranks/r50k_base';
import { describe, expect, it, vi } from 'vitest';
import { createRankTable, noRank } from './create-rank-table.js';
import { loadRankFile } from './load-rank-file.js';

// js-tiktoken's rank data decoded the plain way (its own format: `<tag> <first rank> <base64>...`
// lines of consecutive ranks), independently of the generator's parser.
function referenceRanks(bpeRanks: string): Map<number, Buffer> {
  const ranks = new Map<number, Buffer>();
  for (const line of bpeRanks.split('\n')) {
    const [, first, ...tokens] = line.split(' ');
    if (first === undefined) continue;
    tokens.forEach((token, index) => {
      ranks.set(Number(first) + index, Buffer.from(token, 'base64'));
    });
  }
  return ranks;
}

describe('loadRankFile', () => {
  it.each([
    { encoding: 'o200k_base', want: o200kBase },
    { encoding: 'cl100k_base', want: cl100kBase },
    { encoding: 'p50k_base', want: p50kBase },
    { encoding: 'r50k_base', want: r50kBase },
  ] as const)('holds exactly js-tiktoken’s $encoding, every token', ({ encoding, want }) => {
    const rankFile = loadRankFile(encoding);
    expect(rankFile.pat_str).toBe(want.pat_str);
    expect(rankFile.special_tokens).toEqual(want.special_tokens);
    const ranks = referenceRanks(want.bpe_ranks);
    expect(ranks.size).toBeGreaterThan(50_000);
    const table = createRankTable(rankFile);
    const rankCount = rankFile.offsets.length - 1;
    let highest = -1;
    for (const rank of ranks.keys()) highest = Math.max(highest, rank);
    expect(rankCount).toBe(highest + 1);
    // Collected, not asserted one by one: a mismatch prints the ranks that differ, not 200,000
    // passing checks' worth of time.
    const wrong: number[] = [];
    for (let rank = 0; rank < rankCount; rank++) {
      const bytes = rankFile.bytes.subarray(table.starts[rank], table.ends[rank]);
      const reference = ranks.get(rank);
      if (reference === undefined) {
        if (bytes.length !== 0) wrong.push(rank);
      } else if (
        !reference.equals(bytes) ||
        // The hash table, looked up with js-tiktoken's bytes, answers this rank.
        table.rankOf(reference, 0, reference.length) !== rank
      ) {
        wrong.push(rank);
      }
    }
    expect(wrong).toEqual([]);
    expect(table.rankOf(Buffer.from('no such token in any vocabulary'), 0, 31)).toBe(noRank);
  });

  it('says which file is missing and how to get it', () => {
    expect(() => loadRankFile('o100k_base' as never)).toThrow(
      'Could not read the o100k_base rank file (#ranks/o100k_base.bin, the ranks/ folder of @llm-meter/meter-core): reinstall the package, or in its repository run `pnpm build` (or `pnpm typegen`) to generate it.',
    );
  });
});

describe('rank files', () => {
  it('are read per encoding on first use, none when the package is imported', async () => {
    // Fresh instances of the package's modules: nothing this file did before counts.
    vi.resetModules();
    const { loadedEncodings } = await import('./load-rank-file.js');
    const { getTokenizer, toUsageEvent } = await import('../index.js');
    expect(typeof toUsageEvent).toBe('function');
    expect(loadedEncodings()).toEqual([]);
    expect(getTokenizer('o200k_base').count('Hello, world!')).toBe(4);
    expect(getTokenizer('o200k_base').count('Hello again')).toBe(2);
    expect(loadedEncodings()).toEqual(['o200k_base']);
    expect(getTokenizer('p50k_base').count('Hello,    world!')).toBe(5);
    expect(loadedEncodings()).toEqual(['o200k_base', 'p50k_base']);
  });

  it('come from js-tiktoken at build time only: no module of the package imports it', () => {
    const source = fileURLToPath(new URL('..', import.meta.url));
    const modules = readdirSync(source, { recursive: true, encoding: 'utf8' }).filter(
      (path) => /\.ts$/.test(path) && !/\.test(-d)?\.ts$|__fixtures__/.test(path),
    );
    expect(modules).toContain('index.ts');
    const importing = modules.filter((path) =>
      /(?:from|import\(|require\()\s*['"`]js-tiktoken/.test(
        readFileSync(`${source}/${path}`, 'utf8'),
      ),
    );
    expect(importing).toEqual([]);
  });
});
