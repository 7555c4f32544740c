import { describe, expect, it } from 'vitest';
import { createAsciiPieceCache } from './create-ascii-piece-cache.js';

function tokensOf(cache: ReturnType<typeof createAsciiPieceCache>, entry: number): number[] {
  const first = cache.tokenStarts[entry] as number;
  return Array.from(cache.tokens.subarray(first, first + (cache.tokenCounts[entry] as number)));
}

describe('createAsciiPieceCache', () => {
  it('finds a piece by its range of any text, and only that piece', () => {
    const cache = createAsciiPieceCache();
    expect(cache.find('say hello', 3, 9)).toBe(-1);
    const entry = cache.add('say hello', 3, 9, [24912]);
    expect(cache.find('a hello there', 1, 7)).toBe(entry);
    expect(tokensOf(cache, entry)).toEqual([24912]);
    expect(cache.find('a hellO there', 1, 7)).toBe(-1);
    expect(cache.find('a hello there', 1, 6)).toBe(-1);
  });

  it('empties itself when full and keeps answering right', () => {
    const cache = createAsciiPieceCache();
    // More pieces than the 32,768 entries it holds; each piece's tokens name the piece.
    const pieces = Array.from({ length: 40_000 }, (_, index) => ` w${index.toString(36)}`);
    pieces.forEach((piece, index) => {
      expect(cache.find(piece, 0, piece.length)).toBe(-1);
      cache.add(piece, 0, piece.length, [index, index + 1]);
    });
    let found = 0;
    pieces.forEach((piece, index) => {
      const entry = cache.find(piece, 0, piece.length);
      if (entry >= 0) {
        found++;
        expect(tokensOf(cache, entry)).toEqual([index, index + 1]);
      }
    });
    // Emptied once, at piece 32,768: the pieces added after it are all there, none before.
    expect(found).toBe(40_000 - 32_768);
    expect(cache.find(pieces[39_999] as string, 0, (pieces[39_999] as string).length)).toBe(
      40_000 - 32_768 - 1,
    );
  });
});
