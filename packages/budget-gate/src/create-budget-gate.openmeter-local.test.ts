import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient, type OpenMeterClient } from '@llm-meter/openmeter-client';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, startRedis, type TestRedis } from './__fixtures__/start-redis.js';
import { BudgetExceededError, BudgetUnavailableError } from './budget-exceeded-error.js';
import { createBudgetGate } from './create-budget-gate.js';
import { createMemoryReservationStore } from './create-memory-reservation-store.js';
import { createRedisReservationStore } from './create-redis-reservation-store.js';
import type { ReservationStore } from './reservation-store.js';

// The gate against a real openmeter-local: a feature over the token meter, metered entitlements
// and grants created through the OpenMeter client. openmeter-local answers /value at its own
// "now"; the entitlements start an hour earlier so that instant is well inside their period.
// The gate's clock is injected: the cache expires when the test says so.

const feature = 'llm_tokens';
const hourMs = 3_600_000;

function createClock() {
  let nowMs = Date.now();
  return {
    now: () => new Date(nowMs),
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

async function startOpenMeter(): Promise<{ server: OpenMeterLocal; client: OpenMeterClient }> {
  const server = await startOpenMeterLocal({ meters: openMeterMeters });
  // No retries: "OpenMeter is down" must fail at once, not after a backoff.
  const client = createOpenMeterClient({ baseUrl: server.url, retry: false });
  const created = await client.raw.POST('/api/v1/features', {
    body: { key: feature, name: 'LLM tokens', meterSlug: 'llm_tokens_total' },
  });
  if (!created.response.ok) throw new Error(`feature: ${created.response.status}`);
  return { server, client };
}

/** A metered entitlement of `subject` to the feature, with one grant of `grant` tokens (or none). */
async function entitle({
  client,
  subject,
  grant,
}: {
  client: OpenMeterClient;
  subject: string;
  grant: number | undefined;
}): Promise<void> {
  const periodStart = new Date(Date.now() - hourMs).toISOString();
  const entitlement = await client.raw.POST('/api/v1/subjects/{subjectIdOrKey}/entitlements', {
    params: { path: { subjectIdOrKey: subject } },
    body: {
      type: 'metered',
      featureKey: feature,
      usagePeriod: { interval: 'DAY', anchor: periodStart },
      measureUsageFrom: periodStart,
      isSoftLimit: false,
      isUnlimited: false,
      issueAfterResetPriority: 1,
      preserveOverageAtReset: false,
    },
  });
  if (!entitlement.response.ok) throw new Error(`entitlement: ${entitlement.response.status}`);
  if (grant === undefined) return;
  const created = await client.raw.POST(
    '/api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/grants',
    {
      params: { path: { subjectIdOrKey: subject, entitlementIdOrFeatureKey: feature } },
      body: {
        amount: grant,
        priority: 1,
        effectiveAt: periodStart,
        expiration: { duration: 'DAY', count: 7 },
        minRolloverAmount: 0,
        maxRolloverAmount: 0,
      },
    },
  );
  if (!created.response.ok) throw new Error(`grant: ${created.response.status}`);
}

/** A usage event as meter-core makes them, timed a second ago (inside the entitlement's period). */
function usageEvent({ subject, id, total }: { subject: string; id: string; total: number }) {
  return {
    id,
    type: 'openai',
    subject,
    time: new Date(Date.now() - 1_000).toISOString(),
    data: {
      model: 'gpt-4o-mini-2024-07-18',
      endpoint: 'chat.completions',
      prompt_tokens: total - 10,
      completion_tokens: 10,
      total_tokens: total,
      cached_tokens: 0,
      usage_source: 'provider',
    },
  };
}

let redis: TestRedis | undefined;
const stores: Array<{ name: string; create: () => ReservationStore }> = [
  { name: 'memory', create: () => createMemoryReservationStore() },
];
if (redisAvailable) {
  stores.push({
    name: 'redis',
    create: () =>
      createRedisReservationStore({
        url: (redis as TestRedis).url,
        keyPrefix: `test:${crypto.randomUUID()}`,
      }),
  });
}
beforeAll(async () => {
  if (redisAvailable) redis = await startRedis();
}, 600_000);
afterAll(async () => {
  await redis?.stop();
});

describe.each(stores)(
  'createBudgetGate on openmeter-local ($name store)',
  { timeout: 600_000 },
  ({ create }) => {
    let server: OpenMeterLocal;
    let client: OpenMeterClient;
    beforeAll(async () => {
      ({ server, client } = await startOpenMeter());
    }, 600_000);
    afterAll(async () => {
      await server?.close();
    });

    it('admits up to the grant, refuses beyond it, and counts settled usage once, before and after OpenMeter ingests it', async () => {
      const subject = 'customer-granted';
      await entitle({ client, subject, grant: 1_000 });
      const clock = createClock();
      const store = create();
      const gate = createBudgetGate({ client, feature, store, valueTtlMs: 1_000, ...clock });
      try {
        const first = await gate.reserve({ subject, units: 400 });
        const second = await gate.reserve({ subject, units: 400 });
        expect(second.available).toBe(200);
        const refusal = await gate.reserve({ subject, units: 400 }).catch((error) => error);
        expect(refusal).toBeInstanceOf(BudgetExceededError);
        expect(refusal).toMatchObject({ requested: 400, available: 200, limit: 1_000, used: 800 });

        // The calls used less than their worst case: settle books the real usage.
        const firstEvent = usageEvent({ subject, id: 'call-1', total: 150 });
        const secondEvent = usageEvent({ subject, id: 'call-2', total: 250 });
        await gate.settle({ reservation: first, event: firstEvent });
        await gate.settle({ reservation: second, event: secondEvent });
        // OpenMeter has not seen either event: the gate still subtracts both.
        expect((await gate.reserve({ subject, units: 0 })).available).toBe(600);
        await expect(gate.reserve({ subject, units: 601 })).rejects.toBeInstanceOf(
          BudgetExceededError,
        );

        // OpenMeter ingests the first event; once the gate has read the new value, the booking it
        // covers is dropped (counted by OpenMeter now), the other one stays.
        const key = `${subject}\u0000${feature}`;
        await client.events.ingest(firstEvent);
        clock.advance(1_000);
        await gate.reserve({ subject, units: 0 });
        await expect.poll(async () => (await store.readValue({ key }))?.usage).toBe(150);
        expect((await gate.reserve({ subject, units: 0 })).available).toBe(600);

        await client.events.ingest(secondEvent);
        clock.advance(1_000);
        await gate.reserve({ subject, units: 0 });
        await expect.poll(async () => (await store.readValue({ key }))?.usage).toBe(400);
        expect(await store.readValue({ key })).toMatchObject({ balance: 600, usage: 400 });
        // Not 200: the usage OpenMeter counts is not subtracted a second time.
        const last = await gate.reserve({ subject, units: 600 });
        expect(last.available).toBe(0);
        const over = await gate.reserve({ subject, units: 1 }).catch((error) => error);
        expect(over).toMatchObject({ available: 0, limit: 1_000, used: 1_000 });
      } finally {
        await gate.close();
      }
    });

    it('books a chat request by its worst case, the prompt plus max_completion_tokens', async () => {
      const subject = 'customer-request';
      await entitle({ client, subject, grant: 300 });
      const gate = createBudgetGate({ client, feature, store: create(), ...createClock() });
      try {
        const request = {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Say hello' }],
          max_completion_tokens: 100,
        };
        // "Say hello" is 2 tokens, 3 per message, 1 for the role and 3 to prime the reply.
        await expect(gate.reserve({ subject, request })).resolves.toMatchObject({
          units: 109,
          available: 191,
        });
        await expect(gate.reserve({ subject, request })).resolves.toMatchObject({ available: 82 });
        await expect(gate.reserve({ subject, request })).rejects.toBeInstanceOf(
          BudgetExceededError,
        );
      } finally {
        await gate.close();
      }
    });

    it('a subject without an entitlement is refused with what to create; one without grants has nothing to spend', async () => {
      const gate = createBudgetGate({ client, feature, store: create(), ...createClock() });
      try {
        const missing = await gate
          .reserve({ subject: 'customer-unknown', units: 1 })
          .catch((error) => error);
        expect(missing).toBeInstanceOf(BudgetUnavailableError);
        expect(missing.message).toBe(
          'customer-unknown has no entitlement to the feature "llm_tokens" (GET /api/v1/subjects/customer-unknown/entitlements/llm_tokens/value answered 404). Create one with POST /api/v1/subjects/customer-unknown/entitlements, or check the feature key.',
        );
        // The answer is not cached: once the entitlement exists, the next reserve sees it.
        await entitle({ client, subject: 'customer-unknown', grant: 10 });
        await expect(
          gate.reserve({ subject: 'customer-unknown', units: 10 }),
        ).resolves.toMatchObject({ available: 0 });

        await entitle({ client, subject: 'customer-no-grant', grant: undefined });
        const empty = await gate
          .reserve({ subject: 'customer-no-grant', units: 1 })
          .catch((error) => error);
        expect(empty).toBeInstanceOf(BudgetExceededError);
        expect(empty).toMatchObject({ available: 0, limit: 0 });
      } finally {
        await gate.close();
      }
    });

    it('with OpenMeter down: keeps the last value it read; with none, onUnavailable decides', async () => {
      const down = await startOpenMeter();
      const subject = 'customer-down';
      await entitle({ client: down.client, subject, grant: 100 });
      const clock = createClock();
      const known = createBudgetGate({ client: down.client, feature, store: create(), ...clock });
      const deny = createBudgetGate({ client: down.client, feature, store: create(), ...clock });
      const allow = createBudgetGate({
        client: down.client,
        feature,
        store: create(),
        onUnavailable: 'allow',
        ...clock,
      });
      try {
        await known.reserve({ subject, units: 60 });
        await down.server.close();
        clock.advance(60_000);
        // The refresh fails in the background; the last value still limits admission.
        await expect(known.reserve({ subject, units: 40 })).resolves.toMatchObject({
          available: 0,
        });
        await expect(known.reserve({ subject, units: 1 })).rejects.toBeInstanceOf(
          BudgetExceededError,
        );

        const refusal = await deny.reserve({ subject, units: 1 }).catch((error) => error);
        expect(refusal).toBeInstanceOf(BudgetUnavailableError);
        expect(refusal.message).toMatch(
          /^could not read customer-down's balance for llm_tokens and none is known: .*Check OPENMETER_URL, or set onUnavailable: 'allow'/,
        );
        const admitted = await allow.reserve({ subject, units: 1_000 });
        expect(admitted).toMatchObject({ subject, units: 1_000 });
        expect(admitted.available).toBeNaN();
      } finally {
        await Promise.all([known.close(), deny.close(), allow.close()]);
        await down.server.close();
      }
    });
  },
);
