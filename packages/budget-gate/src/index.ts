export { BudgetExceededError, BudgetUnavailableError } from './budget-exceeded-error.js';
export {
  type BudgetGate,
  type BudgetGateOptions,
  createBudgetGate,
  type Reservation,
  type SettledUsageEvent,
} from './create-budget-gate.js';
export { createBudgetRefusalEvent } from './create-budget-refusal-event.js';
export { createMemoryReservationStore } from './create-memory-reservation-store.js';
export {
  createRedisReservationStore,
  type RedisReservationStoreOptions,
} from './create-redis-reservation-store.js';
export type { BudgetRequest } from './estimate-worst-case.js';
export { estimateWorstCase } from './estimate-worst-case.js';
export { type EntitlementValue, EntitlementValueError } from './read-entitlement-value.js';
export type {
  ReservationStore,
  ReserveOutcome,
  StoredEntitlementValue,
} from './reservation-store.js';
