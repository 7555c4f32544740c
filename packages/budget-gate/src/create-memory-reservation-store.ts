import {
  type BudgetLedger,
  createBudgetLedger,
  recordLedgerValue,
  reserveInLedger,
  settleInLedger,
} from './budget-ledger.js';
import type { ReservationStore } from './reservation-store.js';

/**
 * Keeps reservations in this process: right for one process, and the default when no Redis is
 * configured. Several processes need `createRedisReservationStore`, or each admits its own worst
 * cases against the same balance.
 */
export function createMemoryReservationStore(): ReservationStore {
  const ledgers = new Map<string, BudgetLedger>();
  const ledgerOf = (key: string): BudgetLedger => {
    let ledger = ledgers.get(key);
    if (!ledger) {
      ledger = createBudgetLedger();
      ledgers.set(key, ledger);
    }
    return ledger;
  };
  return {
    readValue: async ({ key }) => {
      const value = ledgers.get(key)?.value;
      return value ? { ...value } : undefined;
    },
    recordValue: async ({ key, value }) => recordLedgerValue(ledgerOf(key), value),
    reserve: async ({ key, ...input }) => reserveInLedger(ledgerOf(key), input),
    settle: async ({ key, ...input }) => settleInLedger(ledgerOf(key), input),
    close: async () => {},
  };
}
