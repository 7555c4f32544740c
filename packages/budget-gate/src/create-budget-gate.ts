import type { OpenMeterClient } from '@llm-meter/openmeter-client';
import { BudgetExceededError, BudgetUnavailableError } from './budget-exceeded-error.js';
import { createMemoryReservationStore } from './create-memory-reservation-store.js';
import { type BudgetRequest, estimateWorstCase } from './estimate-worst-case.js';
import {
  type EntitlementValue,
  EntitlementValueError,
  readEntitlementValue,
} from './read-entitlement-value.js';
import type { ReservationStore } from './reservation-store.js';

/** The usage event fields `settle` reads (any `UsageEvent` of meter-core fits). */
export interface SettledUsageEvent {
  data: { total_tokens?: number | undefined; [field: string]: unknown };
}

/** Options of `createBudgetGate`. */
export interface BudgetGateOptions {
  /** The OpenMeter client the entitlement values are read with. */
  client?: OpenMeterClient | undefined;
  /** Reads an entitlement value instead of `client` (another source of balances). */
  readValue?:
    | ((input: { subject: string; feature: string }) => Promise<EntitlementValue>)
    | undefined;
  /** Where reservations live. Default: this process (`createMemoryReservationStore`). */
  store?: ReservationStore | undefined;
  /** Feature key checked when `reserve` names none. */
  feature?: string | undefined;
  /** How long a read entitlement value is used before it is read again. Default 1,000 ms. */
  valueTtlMs?: number | undefined;
  /** How long a reservation holds if it is never settled (a crashed caller). Default 10 min. */
  reservationTtlMs?: number | undefined;
  /**
   * How long settled usage is subtracted while OpenMeter's usage does not show it yet (it is
   * dropped earlier as soon as OpenMeter's usage grows by it). Default 10 min.
   */
  bookedTtlMs?: number | undefined;
  /** Output tokens booked for a request that sets no output limit. Default 4,096. */
  defaultMaxOutputTokens?: number | undefined;
  /** Tokens booked for each prompt part that cannot be counted (image by URL, audio, file). Default 2,500. */
  excludedPartTokens?: number | undefined;
  /** When OpenMeter cannot be asked and no value is known: refuse (default) or admit. */
  onUnavailable?: 'deny' | 'allow' | undefined;
  /** Units of the feature an event uses. Default `data.total_tokens`. */
  unitsOf?: ((event: SettledUsageEvent) => number) | undefined;
  /** Clock. Default `() => new Date()`. */
  now?: (() => Date) | undefined;
  /** Reservation ids. Default `crypto.randomUUID()`. */
  generateId?: (() => string) | undefined;
}

/** A booking of a call's worst case, to be settled once the call has ended. */
export interface Reservation {
  id: string;
  subject: string;
  feature: string;
  /** The worst case that was booked. */
  units: number;
  /** What was left for others after this booking. */
  available: number;
  expiresAt: Date;
}

/** The budget gate: reserve before a call, settle after it. */
export interface BudgetGate {
  /**
   * Books the call's worst case against the balance minus open reservations and booked usage;
   * throws `BudgetExceededError` (over quota) or `BudgetUnavailableError` (no entitlement, or
   * OpenMeter unreachable with nothing known) before a token is spent.
   */
  reserve(input: {
    subject: string;
    feature?: string | undefined;
    request?: BudgetRequest | undefined;
    /** Whose API the request is for (meter-core's provider id). Default `openai`. */
    provider?: string | undefined;
    /** Units to book instead of the request's worst case. */
    units?: number | undefined;
  }): Promise<Reservation>;
  /**
   * Releases the reservation and books the real usage of `event` (none when the call failed
   * and billed nothing), so the next check sees it before OpenMeter has ingested it.
   */
  settle(input: { reservation: Reservation; event?: SettledUsageEvent | undefined }): Promise<void>;
  /** Closes the store (and its Redis connection if the store opened it). */
  close(): Promise<void>;
}

/**
 * Creates a budget gate over OpenMeter's metered entitlements. Values are cached for
 * `valueTtlMs` and refreshed in the background; a subject with no known value waits for one.
 * @see https://openmeter.io/docs/billing/entitlements/entitlement
 */
export function createBudgetGate(options: BudgetGateOptions): BudgetGate {
  const client = options.client;
  const readValue =
    options.readValue ??
    (client
      ? ({ subject, feature }: { subject: string; feature: string }) =>
          readEntitlementValue({ client, subject, feature })
      : undefined);
  if (!readValue) {
    throw new TypeError('createBudgetGate needs `client` (an OpenMeter client) or `readValue`');
  }
  const store = options.store ?? createMemoryReservationStore();
  const valueTtlMs = positive(options.valueTtlMs ?? 1_000, 'valueTtlMs');
  const reservationTtlMs = positive(options.reservationTtlMs ?? 600_000, 'reservationTtlMs');
  const bookedTtlMs = positive(options.bookedTtlMs ?? 600_000, 'bookedTtlMs');
  const defaultMaxOutputTokens = positive(
    options.defaultMaxOutputTokens ?? 4_096,
    'defaultMaxOutputTokens',
  );
  const excludedPartTokens = positive(options.excludedPartTokens ?? 2_500, 'excludedPartTokens');
  const unitsOf = options.unitsOf ?? ((event: SettledUsageEvent) => event.data.total_tokens ?? 0);
  const now = options.now ?? (() => new Date());
  const generateId = options.generateId ?? (() => crypto.randomUUID());
  const refreshedAt = new Map<string, number>();
  const refreshing = new Map<string, Promise<void>>();
  // This process's last read per key, for the refusal's `limit` (the store keeps no overage).
  const lastLimits = new Map<string, number>();

  const refresh = (subject: string, feature: string, key: string): Promise<void> => {
    let pending = refreshing.get(key);
    if (!pending) {
      pending = (async () => {
        const value = await readValue({ subject, feature });
        const fetchedAtMs = now().getTime();
        lastLimits.set(
          key,
          Math.max(0, (value.usage ?? 0) - (value.overage ?? 0) + Math.max(0, value.balance ?? 0)),
        );
        const balance = value.hasAccess
          ? Math.max(0, value.balance ?? Number.POSITIVE_INFINITY)
          : 0;
        await store.recordValue({
          key,
          value: {
            balance: Number.isFinite(balance) ? balance : Number.MAX_SAFE_INTEGER,
            usage: value.usage ?? 0,
            fetchedAtMs,
          },
        });
        refreshedAt.set(key, fetchedAtMs);
      })().finally(() => refreshing.delete(key));
      refreshing.set(key, pending);
    }
    return pending;
  };

  return {
    async reserve({ subject, feature: featureKey, request, provider, units: fixedUnits }) {
      const feature = featureKey ?? options.feature;
      if (!subject) throw new TypeError('reserve needs `subject` (the customer to check)');
      if (!feature) {
        throw new TypeError('reserve needs `feature`, or set `feature` in createBudgetGate');
      }
      const units =
        fixedUnits ??
        (request
          ? estimateWorstCase({ request, provider, defaultMaxOutputTokens, excludedPartTokens })
          : undefined);
      if (units === undefined || !Number.isFinite(units) || units < 0) {
        throw new TypeError(
          'reserve needs `request` (the call body) or `units` (a non-negative number)',
        );
      }
      const key = `${subject}\u0000${feature}`;
      const nowMs = now().getTime();
      const lastRefresh = refreshedAt.get(key);
      try {
        if (lastRefresh === undefined) await refresh(subject, feature, key);
        else if (nowMs - lastRefresh >= valueTtlMs) {
          refresh(subject, feature, key).catch(() => {
            // A failed background refresh keeps the last value; the next reserve tries again.
          });
        }
      } catch (error) {
        if (error instanceof EntitlementValueError && error.kind === 'not_found') {
          throw new BudgetUnavailableError(
            { subject, feature, message: error.message },
            { cause: error },
          );
        }
        const known = await store.readValue({ key });
        if (!known && options.onUnavailable !== 'allow') {
          throw new BudgetUnavailableError(
            {
              subject,
              feature,
              message: `could not read ${subject}'s balance for ${feature} and none is known: ${String((error as Error).message ?? error)}. Check OPENMETER_URL, or set onUnavailable: 'allow' to admit calls while OpenMeter is down.`,
            },
            { cause: error },
          );
        }
        if (!known) {
          return {
            id: generateId(),
            subject,
            feature,
            units,
            available: Number.NaN,
            expiresAt: new Date(nowMs + reservationTtlMs),
          };
        }
        refreshedAt.set(key, known.fetchedAtMs);
      }
      const id = generateId();
      const expiresAtMs = nowMs + reservationTtlMs;
      const outcome = await store.reserve({ key, id, units, nowMs, expiresAtMs, bookedTtlMs });
      if (!outcome.admitted) {
        const available = outcome.available ?? 0;
        let limit = lastLimits.get(key);
        if (limit === undefined) {
          // Only another process has read the value (a shared store): take the stored one.
          const stored = await store.readValue({ key });
          limit = stored ? stored.usage + stored.balance : available;
        }
        throw new BudgetExceededError({
          subject,
          feature,
          requested: units,
          available,
          limit: Math.max(limit, available),
        });
      }
      return {
        id,
        subject,
        feature,
        units,
        available: outcome.available,
        expiresAt: new Date(expiresAtMs),
      };
    },

    async settle({ reservation, event }) {
      const units = event ? unitsOf(event) : 0;
      if (!Number.isFinite(units) || units < 0) {
        throw new TypeError(
          `settle: the event's units must be a non-negative number, got ${units}`,
        );
      }
      await store.settle({
        key: `${reservation.subject}\u0000${reservation.feature}`,
        id: reservation.id,
        units,
        nowMs: now().getTime(),
      });
    },

    close: () => store.close(),
  };
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  return value;
}
