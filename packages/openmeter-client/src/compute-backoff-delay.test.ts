import { expect, test } from 'vitest';
import { computeBackoffDelay } from './compute-backoff-delay.js';

test.each([
  { attempt: 1, want: 100 },
  { attempt: 2, want: 200 },
  { attempt: 5, want: 1600 },
  { attempt: 20, want: 5000 },
  { attempt: 10_000, want: 5000 },
])(
  'retry $attempt draws below min(maxDelayMs, initialDelayMs * 2^(attempt-1))',
  ({ attempt, want }) => {
    const options = { attempt, initialDelayMs: 100, maxDelayMs: 5000 };
    expect(computeBackoffDelay({ ...options, random: () => 0.999999 })).toBe(want - 1);
    expect(computeBackoffDelay({ ...options, random: () => 0 })).toBe(0);
  },
);
