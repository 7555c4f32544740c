import { describe, expect, it } from 'vitest';
import { createRankFile } from './create-rank-file.js';
import { createRankTable, noRank } from './create-rank-table.js';
import type { EncodingData } from './encoding-data.js';
import { parseRankFile } from './parse-rank-file.js';

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

// Rank data through the whole path: js-tiktoken's text, the generated file, the table over it.
function tableOf(data: EncodingData) {
  const file = createRankFile({ data, source: 'a test' });
  return createRankTable(parseRankFile({ file, encoding: 'o200k_base' }));
}

describe('createRankTable', () => {
  // Padded and unpadded base64, a gap (ranks 3 and 4), a second line of ranks, and a line that
  // lists ranks before those of an earlier line.
  const table = tableOf({
    pat_str: '.',
    special_tokens: { '<|end|>': 9 },
    bpe_ranks: '! 0 YQ== Yg\n! 5 YWI= YWJj\n! 2 Yw',
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
      tableOf({ pat_str: '.', special_tokens: {}, bpe_ranks: '! 0 YQ== %%%%' }),
    ).toThrowErrorMatchingInlineSnapshot(`[Error: Rank data is not valid base64 at character 9]`);
  });
});

describe('parseRankFile', () => {
  const file = createRankFile({
    data: { pat_str: '.', special_tokens: {}, bpe_ranks: '! 0 YQ== Yg' },
    source: 'a test',
  });

  it('reads a file that does not start at a multiple of 4 bytes of its buffer', () => {
    const shifted = new Uint8Array(file.length + 1).subarray(1);
    shifted.set(file);
    const rankFile = parseRankFile({ file: shifted, encoding: 'r50k_base' });
    expect([...rankFile.offsets]).toEqual([0, 1, 2]);
    expect([...rankFile.bytes]).toEqual([0x61, 0x62]);
  });

  it.each([
    {
      name: 'a truncated file',
      given: file.subarray(0, file.length - 1),
      want: 'The r50k_base rank file has 109 bytes, its header says 110: rebuild @llm-meter/meter-core (`pnpm build`) or reinstall it',
    },
    {
      name: 'another format',
      given: Uint8Array.from(file, (byte, index) => (index === 4 ? 9 : byte)),
      want: 'The r50k_base rank file is not one this version reads (format 9, want 1): rebuild @llm-meter/meter-core (`pnpm build`) or reinstall it',
    },
    {
      name: 'a file shorter than its header',
      given: new Uint8Array(8),
      want: 'The r50k_base rank file is truncated (8 bytes): rebuild @llm-meter/meter-core (`pnpm build`) or reinstall it',
    },
  ])('refuses $name, saying how to get a good one', ({ given, want }) => {
    expect(() => parseRankFile({ file: given, encoding: 'r50k_base' })).toThrow(want);
  });
});
