import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, startRedis, type TestRedis } from './__fixtures__/start-redis.js';
import { createMemoryReservationStore } from './create-memory-reservation-store.js';
import { createRedisReservationStore } from './create-redis-reservation-store.js';
import type { ReservationStore } from './reservation-store.js';

if (!redisAvailable) {
  console.warn(
    'redis-server is not installed and REDIS_URL is unset: the Redis store tests are skipped',
  );
}

let redis: TestRedis | undefined;
beforeAll(async () => {
  if (redisAvailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const stores: Array<[string, () => ReservationStore, boolean]> = [
  ['memory', () => createMemoryReservationStore(), true],
  [
    'redis',
    () =>
      createRedisReservationStore({
        url: redis?.url,
        keyPrefix: `test:${crypto.randomUUID()}`,
      }),
    redisAvailable,
  ],
];

describe.each(stores)('%s reservation store', (_name, createStore, available) => {
  const key = 'customer-1\u0000tokens';
  const reserve = (store: ReservationStore, id: string, units: number, nowMs = 1_000) =>
    store.reserve({ key, id, units, nowMs, expiresAtMs: nowMs + 60_000, bookedTtlMs: 120_000 });

  it.runIf(available)('refuses before any value is recorded', async () => {
    const store = createStore();
    expect(await reserve(store, 'a', 1)).toEqual({ admitted: false, available: undefined });
    await store.close();
  });

  it.runIf(available)('admits until balance minus reservations is used up', async () => {
    const store = createStore();
    await store.recordValue({ key, value: { balance: 100, usage: 0, fetchedAtMs: 1_000 } });
    expect(await reserve(store, 'a', 60)).toEqual({ admitted: true, available: 40 });
    expect(await reserve(store, 'b', 41)).toEqual({ admitted: false, available: 40 });
    expect(await reserve(store, 'c', 40)).toEqual({ admitted: true, available: 0 });
    await store.close();
  });

  it.runIf(available)('settling books real usage until OpenMeter counts it', async () => {
    const store = createStore();
    await store.recordValue({ key, value: { balance: 100, usage: 0, fetchedAtMs: 1_000 } });
    await reserve(store, 'a', 60);
    await store.settle({ key, id: 'a', units: 25, nowMs: 2_000 });
    // 60 reserved became 25 booked.
    expect(await reserve(store, 'b', 76)).toEqual({ admitted: false, available: 75 });
    // OpenMeter now shows 25 more usage and 25 less balance: the booking is dropped, not doubled.
    await store.recordValue({ key, value: { balance: 75, usage: 25, fetchedAtMs: 3_000 } });
    expect(await reserve(store, 'b', 75, 3_000)).toEqual({ admitted: true, available: 0 });
    await store.close();
  });

  it.runIf(available)('absorbs bookings oldest first, partially', async () => {
    const store = createStore();
    await store.recordValue({ key, value: { balance: 100, usage: 10, fetchedAtMs: 1_000 } });
    await store.settle({ key, id: 'a', units: 20, nowMs: 1_100 });
    await store.settle({ key, id: 'b', units: 30, nowMs: 1_200 });
    await store.recordValue({ key, value: { balance: 70, usage: 40, fetchedAtMs: 2_000 } });
    // 30 of the 50 booked are now in OpenMeter's usage: 20 of b stay booked.
    expect(await reserve(store, 'c', 51, 2_000)).toEqual({ admitted: false, available: 50 });
    await store.close();
  });

  it.runIf(available)('ignores a value read before the one it holds', async () => {
    const store = createStore();
    await store.recordValue({ key, value: { balance: 10, usage: 90, fetchedAtMs: 5_000 } });
    await store.recordValue({ key, value: { balance: 100, usage: 0, fetchedAtMs: 4_000 } });
    expect(await store.readValue({ key })).toEqual({ balance: 10, usage: 90, fetchedAtMs: 5_000 });
    await store.close();
  });

  it.runIf(available)('expires reservations and old bookings', async () => {
    const store = createStore();
    await store.recordValue({ key, value: { balance: 100, usage: 0, fetchedAtMs: 1_000 } });
    await store.reserve({
      key,
      id: 'a',
      units: 100,
      nowMs: 1_000,
      expiresAtMs: 5_000,
      bookedTtlMs: 10_000,
    });
    expect(await reserve(store, 'b', 1, 4_999)).toMatchObject({ admitted: false });
    expect(await reserve(store, 'b', 100, 5_000)).toMatchObject({ admitted: true });
    await store.settle({ key, id: 'b', units: 100, nowMs: 5_000 });
    expect(
      await store.reserve({
        key,
        id: 'c',
        units: 1,
        nowMs: 14_999,
        expiresAtMs: 20_000,
        bookedTtlMs: 10_000,
      }),
    ).toMatchObject({ admitted: false });
    expect(
      await store.reserve({
        key,
        id: 'c',
        units: 100,
        nowMs: 15_000,
        expiresAtMs: 20_000,
        bookedTtlMs: 10_000,
      }),
    ).toMatchObject({ admitted: true });
    await store.close();
  });

  it.runIf(available)(
    'settles once per id and releases without booking when nothing was used',
    async () => {
      const store = createStore();
      await store.recordValue({ key, value: { balance: 100, usage: 0, fetchedAtMs: 1_000 } });
      await reserve(store, 'a', 50);
      await store.settle({ key, id: 'a', units: 0, nowMs: 1_000 });
      await store.settle({ key, id: 'x', units: 30, nowMs: 1_000 });
      await store.settle({ key, id: 'x', units: 30, nowMs: 1_000 });
      expect(await reserve(store, 'b', 71)).toEqual({ admitted: false, available: 70 });
      await store.close();
    },
  );
});
