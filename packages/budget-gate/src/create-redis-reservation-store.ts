import { Redis } from 'ioredis';
import { recordValueScript, reserveScript, settleScript } from './redis-ledger-script.js';
import type { ReservationStore, StoredEntitlementValue } from './reservation-store.js';

/** Options of `createRedisReservationStore`: a URL, or a connected ioredis client to share. */
export interface RedisReservationStoreOptions {
  /** e.g. `redis://127.0.0.1:6379/0`; the store opens and closes its own connection. */
  url?: string | undefined;
  /** An ioredis client to use instead of `url`; the store never closes it. */
  redis?: Redis | undefined;
  /** Prefix of every key. Default `llm-meter:budget`. */
  keyPrefix?: string | undefined;
  /** How long an idle subject's keys live. Default 7 days. */
  keyTtlMs?: number | undefined;
}

interface LedgerCommands {
  llmMeterRecordValue(...args: Array<string | number>): Promise<number>;
  llmMeterReserve(...args: Array<string | number>): Promise<[number, string]>;
  llmMeterSettle(...args: Array<string | number>): Promise<number>;
}

/**
 * Keeps reservations in Redis, so every process of a deployment admits against one balance.
 * Each operation is one Lua script (atomic, one round trip).
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 */
export function createRedisReservationStore(
  options: RedisReservationStoreOptions,
): ReservationStore {
  if (!options.redis && !options.url) {
    throw new TypeError(
      'createRedisReservationStore needs `url` (e.g. redis://127.0.0.1:6379) or `redis`',
    );
  }
  const owned = !options.redis;
  const redis =
    options.redis ??
    new Redis(options.url as string, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const prefix = options.keyPrefix ?? 'llm-meter:budget';
  const keyTtlMs = String(options.keyTtlMs ?? 7 * 24 * 3_600_000);
  redis.defineCommand('llmMeterRecordValue', { numberOfKeys: 3, lua: recordValueScript });
  redis.defineCommand('llmMeterReserve', { numberOfKeys: 5, lua: reserveScript });
  redis.defineCommand('llmMeterSettle', { numberOfKeys: 5, lua: settleScript });
  const commands = redis as unknown as Redis & LedgerCommands;
  const keysOf = (key: string) => {
    const base = `${prefix}:{${key}}`;
    return {
      value: `${base}:value`,
      reservations: `${base}:reservations`,
      reservationExpiry: `${base}:reservation-expiry`,
      booked: `${base}:booked`,
      bookedUnits: `${base}:booked-units`,
    };
  };
  return {
    async readValue({ key }): Promise<StoredEntitlementValue | undefined> {
      const stored = await redis.hgetall(keysOf(key).value);
      if (stored.balance === undefined || stored.usage === undefined || !stored.fetchedAt) {
        return undefined;
      }
      return {
        balance: Number(stored.balance),
        usage: Number(stored.usage),
        fetchedAtMs: Number(stored.fetchedAt),
      };
    },
    async recordValue({ key, value }) {
      const keys = keysOf(key);
      await commands.llmMeterRecordValue(
        keys.value,
        keys.booked,
        keys.bookedUnits,
        String(value.balance),
        String(value.usage),
        String(value.fetchedAtMs),
        keyTtlMs,
      );
    },
    async reserve({ key, id, units, nowMs, expiresAtMs, bookedTtlMs }) {
      const keys = keysOf(key);
      const [admitted, available] = await commands.llmMeterReserve(
        keys.value,
        keys.reservations,
        keys.reservationExpiry,
        keys.booked,
        keys.bookedUnits,
        id,
        String(units),
        String(nowMs),
        String(expiresAtMs),
        String(bookedTtlMs),
        keyTtlMs,
      );
      if (available === '') return { admitted: false, available: undefined };
      return { admitted: admitted === 1, available: Number(available) };
    },
    async settle({ key, id, units, nowMs }) {
      const keys = keysOf(key);
      await commands.llmMeterSettle(
        keys.value,
        keys.reservations,
        keys.reservationExpiry,
        keys.booked,
        keys.bookedUnits,
        id,
        String(units),
        String(nowMs),
        keyTtlMs,
      );
    },
    async close() {
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
