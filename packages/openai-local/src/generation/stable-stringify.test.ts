import { describe, expect, it } from 'vitest';
import { stableStringify } from './stable-stringify.js';

describe('stableStringify', () => {
  it.each([
    {
      given: [
        { b: 1, a: { d: [1, { z: 0, y: 1 }], c: null } },
        { a: { c: null, d: [1, { y: 1, z: 0 }] }, b: 1 },
      ],
      equal: true,
    },
    { given: [{ a: [1, 2] }, { a: [2, 1] }], equal: false },
    { given: [{ a: 1, b: undefined }, { a: 1 }], equal: true },
  ])('ignores key order only: $given', ({ given: [left, right], equal }) => {
    expect(stableStringify(left) === stableStringify(right)).toBe(equal);
  });
});
