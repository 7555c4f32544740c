import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytePairEncodeByHeap, bytePairEncodeByScan } from './byte-pair-encode.js';
import { createRankTable } from './create-rank-table.js';
import { loadRankFile } from './load-rank-file.js';

const table = createRankTable(loadRankFile('o200k_base'));

// Pieces are given as binary strings (one char per byte) for readable cases.
function encodeBoth(binary: string): { byScan: number[]; byHeap: number[] } {
  const piece = Uint8Array.from(binary, (character) => character.charCodeAt(0));
  const byScan: number[] = [];
  const byHeap: number[] = [];
  bytePairEncodeByScan({ piece, length: piece.length, table, output: byScan });
  bytePairEncodeByHeap({ piece, length: piece.length, table, output: byHeap });
  return { byScan, byHeap };
}

describe('bytePairEncodeByHeap', () => {
  it('merges exactly like the scan, ties included, on any bytes', () => {
    const bytes = fc.uint8Array({ maxLength: 120 });
    const repetitive = fc
      .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.nat({ max: 40 }))
      .map(([unit, times]) => String.fromCharCode(...new TextEncoder().encode(unit.repeat(times))));
    fc.assert(
      fc.property(
        fc.oneof(
          bytes.map((array) => String.fromCharCode(...array)),
          repetitive,
        ),
        (piece) => {
          const { byScan, byHeap } = encodeBoth(piece);
          expect(byHeap).toEqual(byScan);
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    { given: '', want: [] },
    { given: 'a', want: [64] },
    {
      given: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      want: undefined,
    },
  ])('agrees with the scan on $given.length bytes', ({ given, want }) => {
    const { byScan, byHeap } = encodeBoth(given);
    expect(byHeap).toEqual(byScan);
    if (want !== undefined) expect(byHeap).toEqual(want);
  });
});
