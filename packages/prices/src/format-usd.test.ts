import { describe, expect, it } from 'vitest';
import { formatUsd } from './format-usd.js';

describe('formatUsd', () => {
  it.each([
    { given: 0.000168, want: '$0.000168' },
    { given: -0.0000136, want: '-$0.000014' },
    { given: -1e-12, want: '$0.000000' },
    { given: 12.5, want: '$12.500000' },
  ])('formats $given as $want', ({ given, want }) => {
    expect(formatUsd(given)).toBe(want);
  });
});
