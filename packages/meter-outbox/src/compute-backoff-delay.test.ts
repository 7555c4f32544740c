import { describe, expect, it } from 'vitest';
import { computeBackoffDelay } from './compute-backoff-delay.js';

describe('computeBackoffDelay', () => {
  it('draws uniformly below an exponentially growing, capped ceiling (full jitter)', () => {
    const ceilings = [0, 1, 2, 3, 10, 40].map((attempt) =>
      computeBackoffDelay({
        attempt,
        initialDelayMs: 100,
        maxDelayMs: 5000,
        random: () => 0.999999,
      }),
    );
    expect(ceilings).toEqual([99, 199, 399, 799, 4999, 4999]);
    expect(
      computeBackoffDelay({ attempt: 5, initialDelayMs: 100, maxDelayMs: 5000, random: () => 0 }),
    ).toBe(0);
  });

  it('uses the server Retry-After when given', () => {
    expect(
      computeBackoffDelay({
        attempt: 0,
        initialDelayMs: 100,
        maxDelayMs: 5000,
        retryAfterMs: 7000,
      }),
    ).toBe(7000);
  });
});
