import { describe, expect, it } from 'vitest';
import { createRankTable, noRank } from './create-rank-table.js';

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('createRankTable', () => {
  // Padded and unpadded base64, a gap (ranks 3 and 4) and a second line of ranks.
  const table = createRankTable({
    pat_str: '.',
    special_tokens: { '<|end|>': 9 },
    bpe_ranks: '! 0 YQ== Yg Yw\n! 5 YWI= YWJj',
  });

  it.each([
    { given: 'a', want: 0 },
    { given: 'b', want: 1 },
    { given: 'c', want: 2 },
    { given: 'ab', want: 5 },
    { given: 'abc', want: 6 },
    { given: 'ba', want: noRank },
    { given: '', want: noRank },
  ])('ranks $given as $want', ({ given, want }) => {
    const bytes = bytesOf(given);
    expect(table.rankOf(bytes, 0, bytes.length)).toBe(want);
  });

  it('merges ranks by their bytes and leaves gaps empty', () => {
    expect(table.mergedRank(0, 1)).toBe(5);
    expect(table.mergedRank(5, 2)).toBe(6);
    expect(table.mergedRank(1, 0)).toBe(noRank);
    expect([...table.starts].map((start, rank) => (table.ends[rank] ?? 0) - start)).toEqual([
      1, 1, 1, 0, 0, 2, 3,
    ]);
    expect(table.byteRanks[0x61]).toBe(0);
    expect(table.byteRanks[0x7a]).toBe(noRank);
    expect(table.specialBytes.get(9)).toEqual(bytesOf('<|end|>'));
  });

  it('refuses rank data that is not base64', () => {
    expect(() =>
      createRankTable({ pat_str: '.', special_tokens: {}, bpe_ranks: '! 0 YQ== %%%%' }),
    ).toThrowErrorMatchingInlineSnapshot(`[Error: Rank data is not valid base64 at character 9]`);
  });
});
