/** The entitlement value a store keeps for one subject and feature, shared by every gate on it. */
export interface StoredEntitlementValue {
  /** Remaining balance OpenMeter answered (never negative). */
  balance: number;
  /** Usage in the current period OpenMeter answered. */
  usage: number;
  /** When the value was read, in ms since the epoch (the gate's clock). */
  fetchedAtMs: number;
}

/** What `reserve` answers: admitted, or refused with what was available. */
export type ReserveOutcome =
  | { admitted: true; available: number }
  | { admitted: false; available: number }
  | { admitted: false; available: undefined };

/**
 * Where reservations and booked usage live: in this process (`createMemoryReservationStore`)
 * or in Redis (`createRedisReservationStore`), shared by every process of a deployment. Every
 * method is atomic for its key.
 */
export interface ReservationStore {
  /** The shared entitlement value for `key`, or undefined when none was recorded yet. */
  readValue(input: { key: string }): Promise<StoredEntitlementValue | undefined>;
  /**
   * Records a freshly read value. Booked usage that OpenMeter now counts (its usage grew since
   * the previous value) is dropped, oldest first, so it is not subtracted twice. A value read
   * before the stored one is ignored.
   */
  recordValue(input: { key: string; value: StoredEntitlementValue }): Promise<void>;
  /**
   * Admits `units` when balance − open reservations − booked usage covers them, after dropping
   * reservations past their expiry and booked usage older than `bookedTtlMs`.
   */
  reserve(input: {
    key: string;
    id: string;
    units: number;
    nowMs: number;
    expiresAtMs: number;
    bookedTtlMs: number;
  }): Promise<ReserveOutcome>;
  /** Releases reservation `id` and books `units` of real usage (0 books nothing). */
  settle(input: { key: string; id: string; units: number; nowMs: number }): Promise<void>;
  /** Closes connections the store opened itself. */
  close(): Promise<void>;
}
