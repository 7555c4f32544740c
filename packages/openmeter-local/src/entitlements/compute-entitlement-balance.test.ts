import { describe, expect, it } from 'vitest';
import { type BalanceGrant, computeEntitlementBalance } from './compute-entitlement-balance.js';
import { addPeriods, findPeriod, parsePeriodInterval } from './usage-period.js';

const at = (text: string) => Date.parse(text);
const MONTH = { months: 1, milliseconds: 0 };

function grant(overrides: Partial<BalanceGrant> & { id: string }): BalanceGrant {
  return {
    amount: 100,
    priority: 1,
    effectiveAt: at('2025-01-01T00:00:00Z'),
    expiresAt: Number.POSITIVE_INFINITY,
    voidedAt: undefined,
    createdAt: at('2025-01-01T00:00:00Z'),
    minRolloverAmount: 0,
    maxRolloverAmount: 0,
    ...overrides,
  };
}

// Usage per day, as a function of [from, to): `daily` units on each day from Jan 1.
function steadyUsage(daily: number) {
  return ({ from, to }: { from: number; to: number }) => ((to - from) / 86_400_000) * daily;
}

describe('usage periods', () => {
  it('reads named intervals and ISO durations, refusing mixed or empty ones', () => {
    expect(parsePeriodInterval('MONTH')).toEqual({ months: 1, milliseconds: 0 });
    expect(parsePeriodInterval('P2W')).toEqual({ months: 0, milliseconds: 14 * 86_400_000 });
    expect(parsePeriodInterval('PT1H')).toEqual({ months: 0, milliseconds: 3_600_000 });
    for (const bad of ['P', 'P1M1D', 'hourly', 5]) expect(parsePeriodInterval(bad)).toBeUndefined();
  });

  it('keeps the anchor day, clamped to shorter months', () => {
    const anchor = at('2024-01-31T10:00:00Z');
    expect(new Date(addPeriods({ anchor, step: MONTH, count: 1 })).toISOString()).toBe(
      '2024-02-29T10:00:00.000Z',
    );
    expect(new Date(addPeriods({ anchor, step: MONTH, count: 13 })).toISOString()).toBe(
      '2025-02-28T10:00:00.000Z',
    );
    const period = findPeriod({ anchor, step: MONTH, at: at('2024-03-05T00:00:00Z') });
    expect([new Date(period.from).toISOString(), new Date(period.to).toISOString()]).toEqual([
      '2024-02-29T10:00:00.000Z',
      '2024-03-31T10:00:00.000Z',
    ]);
  });
});

describe('computeEntitlementBalance', () => {
  const base = {
    measureUsageFrom: at('2025-01-01T00:00:00Z'),
    anchor: at('2025-01-01T00:00:00Z'),
    step: MONTH,
    resets: [],
    preserveOverageAtReset: false,
  };

  it('rolls a grant over between min and max at each reset', () => {
    // 31 units used in January of 100: 69 left, capped to 50 at the February reset.
    const result = computeEntitlementBalance({
      ...base,
      grants: [grant({ id: 'g', minRolloverAmount: 10, maxRolloverAmount: 50 })],
      at: at('2025-02-11T00:00:00Z'),
      measureUsage: steadyUsage(1),
    });
    expect(result).toMatchObject({ balance: 40, usage: 10, overage: 0 });
    expect(result.periodFrom).toBe(at('2025-02-01T00:00:00Z'));
  });

  it('carries overage into the next period only when preserved', () => {
    const grants = [grant({ id: 'g', amount: 20, minRolloverAmount: 20, maxRolloverAmount: 20 })];
    const input = { ...base, grants, at: at('2025-02-01T00:00:00Z'), measureUsage: steadyUsage(1) };
    // January used 31 of 20: 11 overage, forgiven or burnt from February's 20.
    expect(computeEntitlementBalance(input)).toMatchObject({ balance: 20, overage: 0 });
    expect(computeEntitlementBalance({ ...input, preserveOverageAtReset: true })).toMatchObject({
      balance: 9,
      overage: 0,
    });
  });

  it('stops burning a voided or expired grant from that instant on', () => {
    const result = computeEntitlementBalance({
      ...base,
      grants: [
        grant({ id: 'voided', priority: 1, voidedAt: at('2025-01-05T00:00:00Z') }),
        grant({ id: 'later', priority: 2, amount: 10, expiresAt: at('2025-01-08T00:00:00Z') }),
      ],
      at: at('2025-01-10T00:00:00Z'),
      measureUsage: steadyUsage(2),
    });
    // Jan 1-5: 8 from "voided"; Jan 5-8: 6 from "later"; Jan 8-10: 4 uncovered.
    expect(result).toMatchObject({ balance: 0, usage: 18, overage: 4 });
  });
});
