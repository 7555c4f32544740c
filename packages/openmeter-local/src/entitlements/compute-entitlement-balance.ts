import { findPeriod, type PeriodStep } from './usage-period.js';

/**
 * A grant as the burn-down needs it, times in milliseconds.
 */
export interface BalanceGrant {
  id: string;
  amount: number;
  /** 1 is burnt first. */
  priority: number;
  effectiveAt: number;
  expiresAt: number;
  voidedAt: number | undefined;
  createdAt: number;
  minRolloverAmount: number;
  maxRolloverAmount: number;
}

/**
 * A manual reset of an entitlement.
 */
export interface BalanceReset {
  at: number;
  retainAnchor: boolean;
  preserveOverage: boolean | undefined;
}

/**
 * The state of a metered entitlement at one instant.
 */
export interface EntitlementBalance {
  balance: number;
  usage: number;
  overage: number;
  totalAvailableGrantAmount: number;
  /** Start of the current usage period (the last reset, automatic or manual). */
  periodFrom: number;
  periodTo: number;
  /** Balance of each grant active at the instant, by id. */
  grantBalances: Map<string, number>;
}

function isActive(grant: BalanceGrant, at: number): boolean {
  return (
    grant.effectiveAt <= at &&
    at < grant.expiresAt &&
    (grant.voidedAt === undefined || at < grant.voidedAt)
  );
}

// Burn order: lower priority number first, then the grant expiring first, then the oldest.
function compareBurnOrder(left: BalanceGrant, right: BalanceGrant): number {
  return (
    left.priority - right.priority ||
    left.expiresAt - right.expiresAt ||
    left.createdAt - right.createdAt ||
    (left.id < right.id ? -1 : 1)
  );
}

/**
 * Computes a metered entitlement's balance at `at` the way OpenMeter defines it: usage periods
 * recur from the anchor (a manual reset starts a new one, and moves the anchor unless
 * `retainAnchor`); within a period, usage burns the active grants in priority order (then the
 * one expiring first, then the oldest), and usage no grant covers is overage; at each reset every
 * grant's balance becomes `min(maxRolloverAmount, max(balance, minRolloverAmount))`, and overage
 * is forgiven unless preserved. When no grant's rollover depends on its past balance and no
 * overage is preserved, the past periods cannot matter and only the current one is measured.
 */
export function computeEntitlementBalance({
  measureUsageFrom,
  anchor: initialAnchor,
  step,
  resets,
  grants,
  preserveOverageAtReset,
  at,
  measureUsage,
}: {
  measureUsageFrom: number;
  anchor: number;
  step: PeriodStep;
  resets: readonly BalanceReset[];
  grants: readonly BalanceGrant[];
  preserveOverageAtReset: boolean;
  at: number;
  /** Usage of the entitlement's feature by its subject in `[from, to)`. */
  measureUsage: (range: { from: number; to: number }) => number;
}): EntitlementBalance {
  const sortedResets = [...resets].filter((reset) => reset.at <= at).sort((l, r) => l.at - r.at);
  const periods: Array<{ from: number; to: number; reset: BalanceReset | undefined }> = [];
  let anchor = initialAnchor;
  let periodStart = measureUsageFrom;
  let startReset: BalanceReset | undefined;
  let resetIndex = 0;
  for (;;) {
    while (sortedResets[resetIndex] && (sortedResets[resetIndex] as BalanceReset).at <= periodStart)
      resetIndex++;
    const automatic = findPeriod({ anchor, step, at: periodStart }).to;
    const manual = sortedResets[resetIndex];
    const end = manual && manual.at < automatic ? manual.at : automatic;
    periods.push({ from: periodStart, to: end, reset: startReset });
    if (end > at) break;
    startReset = manual && manual.at === end ? manual : undefined;
    if (startReset && !startReset.retainAnchor) anchor = end;
    periodStart = end;
  }

  const historyMatters =
    preserveOverageAtReset ||
    sortedResets.some((reset) => reset.preserveOverage === true) ||
    grants.some((grant) => grant.minRolloverAmount !== grant.maxRolloverAmount);
  const firstIndex = historyMatters ? 0 : periods.length - 1;

  const balances = new Map<string, number>();
  let overage = 0;
  let usage = 0;
  let totalAvailable = 0;
  for (let index = firstIndex; index < periods.length; index++) {
    const period = periods[index] as (typeof periods)[number];
    const isFirstPeriod = index === 0;
    const preserve = period.reset?.preserveOverage ?? preserveOverageAtReset;
    // The reset at the start of this period: roll every grant over, forgive or keep overage.
    for (const grant of grants) {
      if (grant.effectiveAt > period.from) continue;
      const known = balances.get(grant.id);
      // A grant taking effect at this very instant starts full; one seen in an earlier period
      // (or, when only the current period is measured, effective before it) is rolled over.
      const fresh = known === undefined && (isFirstPeriod || grant.effectiveAt === period.from);
      const before = known ?? grant.amount;
      balances.set(
        grant.id,
        fresh || isFirstPeriod
          ? before
          : Math.min(grant.maxRolloverAmount, Math.max(before, grant.minRolloverAmount)),
      );
    }
    let carried = !isFirstPeriod && preserve ? overage : 0;
    overage = 0;
    usage = 0;
    const isCurrent = index === periods.length - 1;
    if (isCurrent) {
      totalAvailable = 0;
      for (const grant of grants) {
        if (isActive(grant, period.from)) totalAvailable += balances.get(grant.id) ?? grant.amount;
      }
    }
    const end = Math.min(period.to, at);
    const cuts = new Set<number>([period.from, end]);
    for (const grant of grants) {
      for (const time of [grant.effectiveAt, grant.expiresAt, grant.voidedAt]) {
        if (time !== undefined && time > period.from && time < end) cuts.add(time);
      }
    }
    const times = [...cuts].sort((left, right) => left - right);
    for (let cut = 0; cut < times.length; cut++) {
      const from = times[cut] as number;
      const to = times[cut + 1];
      for (const grant of grants) {
        if (grant.effectiveAt === from && from > period.from) {
          balances.set(grant.id, grant.amount);
          if (isCurrent) totalAvailable += grant.amount;
        }
      }
      const active = grants.filter((grant) => isActive(grant, from)).sort(compareBurnOrder);
      let remaining = carried + (to === undefined || to <= from ? 0 : measureUsage({ from, to }));
      usage += remaining - carried;
      carried = 0;
      for (const grant of active) {
        if (remaining <= 0) break;
        const balance = balances.get(grant.id) ?? 0;
        const burnt = Math.min(balance, remaining);
        balances.set(grant.id, balance - burnt);
        remaining -= burnt;
      }
      overage += remaining;
    }
  }

  const current = periods[periods.length - 1] as (typeof periods)[number];
  const grantBalances = new Map<string, number>();
  let balance = 0;
  for (const grant of grants) {
    if (!isActive(grant, at)) continue;
    const value = balances.get(grant.id) ?? grant.amount;
    grantBalances.set(grant.id, value);
    balance += value;
  }
  return {
    balance,
    usage,
    overage,
    totalAvailableGrantAmount: totalAvailable,
    periodFrom: current.from,
    periodTo: current.to,
    grantBalances,
  };
}
