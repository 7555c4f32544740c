import type { ReserveOutcome, StoredEntitlementValue } from './reservation-store.js';

/**
 * The state of one subject × feature: the last entitlement value read, the open reservations
 * and the usage booked by `settle` that OpenMeter may not count yet, with their running totals
 * so a check costs the same however many calls are in flight. The Redis store keeps the same
 * state and applies the same rules in Lua (`redis-ledger-script.ts`).
 */
export interface BudgetLedger {
  value: StoredEntitlementValue | undefined;
  reservations: Map<string, { units: number; expiresAtMs: number }>;
  reservedUnits: number;
  /** In booking order, oldest first (Map keeps insertion order). */
  booked: Map<string, { units: number; bookedAtMs: number }>;
  bookedUnits: number;
}

/** Creates an empty ledger. */
export function createBudgetLedger(): BudgetLedger {
  return {
    value: undefined,
    reservations: new Map(),
    reservedUnits: 0,
    booked: new Map(),
    bookedUnits: 0,
  };
}

/** Applies a freshly read entitlement value (see `ReservationStore.recordValue`). */
export function recordLedgerValue(ledger: BudgetLedger, value: StoredEntitlementValue): void {
  const previous = ledger.value;
  if (previous && value.fetchedAtMs < previous.fetchedAtMs) return;
  if (previous && value.usage > previous.usage) {
    let absorbed = value.usage - previous.usage;
    for (const [id, entry] of ledger.booked) {
      if (absorbed <= 0) break;
      const taken = Math.min(entry.units, absorbed);
      absorbed -= taken;
      ledger.bookedUnits -= taken;
      if (taken === entry.units) ledger.booked.delete(id);
      else entry.units -= taken;
    }
  }
  ledger.value = { ...value };
}

/** Admits or refuses a reservation (see `ReservationStore.reserve`). */
export function reserveInLedger(
  ledger: BudgetLedger,
  input: { id: string; units: number; nowMs: number; expiresAtMs: number; bookedTtlMs: number },
): ReserveOutcome {
  for (const [id, reservation] of ledger.reservations) {
    if (reservation.expiresAtMs <= input.nowMs) {
      ledger.reservations.delete(id);
      ledger.reservedUnits -= reservation.units;
    }
  }
  for (const [id, entry] of ledger.booked) {
    if (entry.bookedAtMs + input.bookedTtlMs > input.nowMs) break;
    ledger.booked.delete(id);
    ledger.bookedUnits -= entry.units;
  }
  if (!ledger.value) return { admitted: false, available: undefined };
  const available = Math.max(0, ledger.value.balance - ledger.reservedUnits - ledger.bookedUnits);
  if (input.units > available) return { admitted: false, available };
  const previous = ledger.reservations.get(input.id);
  if (previous) ledger.reservedUnits -= previous.units;
  ledger.reservations.set(input.id, { units: input.units, expiresAtMs: input.expiresAtMs });
  ledger.reservedUnits += input.units;
  return { admitted: true, available: available - input.units };
}

/** Releases a reservation and books real usage (see `ReservationStore.settle`). */
export function settleInLedger(
  ledger: BudgetLedger,
  input: { id: string; units: number; nowMs: number },
): void {
  const reservation = ledger.reservations.get(input.id);
  if (reservation) {
    ledger.reservations.delete(input.id);
    ledger.reservedUnits -= reservation.units;
  }
  if (input.units > 0 && !ledger.booked.has(input.id)) {
    ledger.booked.set(input.id, { units: input.units, bookedAtMs: input.nowMs });
    ledger.bookedUnits += input.units;
  }
}
