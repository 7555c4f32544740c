// Gate overhead with a warm value cache: reserve + settle per call, in process and in Redis.
// `pnpm --filter @llm-meter/budget-gate bench`. Percentiles are printed by the afterAll hook.
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { startRedis, type TestRedis } from '../src/__fixtures__/start-redis.js';
import { type BudgetGate, createBudgetGate } from '../src/create-budget-gate.js';
import { createMemoryReservationStore } from '../src/create-memory-reservation-store.js';
import { createRedisReservationStore } from '../src/create-redis-reservation-store.js';

const request = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful support assistant for a billing product.' },
    { role: 'user', content: 'How do I read the usage table printed after each run?' },
  ],
  max_completion_tokens: 200,
};

let redis: TestRedis;
const gates: Record<string, BudgetGate> = {};
const samples: Record<string, number[]> = { memory: [], redis: [] };

beforeAll(async () => {
  redis = await startRedis();
  const readValue = async () => ({ hasAccess: true, balance: 1e12, usage: 0 });
  gates.memory = createBudgetGate({
    readValue,
    feature: 'llm_tokens',
    store: createMemoryReservationStore(),
    valueTtlMs: 3_600_000,
  });
  gates.redis = createBudgetGate({
    readValue,
    feature: 'llm_tokens',
    store: createRedisReservationStore({
      url: redis.url,
      keyPrefix: `bench:${crypto.randomUUID()}`,
    }),
    valueTtlMs: 3_600_000,
  });
  // Warm: the first reserve reads the value and loads the Lua scripts.
  for (const gate of Object.values(gates)) {
    const reservation = await gate.reserve({ subject: 'customer-1', request });
    await gate.settle({ reservation, event: { data: { total_tokens: 1 } } });
  }
});

afterAll(async () => {
  for (const [name, values] of Object.entries(samples)) {
    values.sort((a, b) => a - b);
    const at = (q: number) =>
      values[Math.min(values.length - 1, Math.floor(q * values.length))]?.toFixed(3);
    console.log(
      `${name}: reserve p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms over ${values.length} calls`,
    );
  }
  for (const gate of Object.values(gates)) await gate.close();
  await redis.stop();
});

describe('reserve with a warm cache (prompt counted, value cached)', () => {
  for (const name of ['memory', 'redis']) {
    bench(
      name,
      async () => {
        const gate = gates[name] as BudgetGate;
        const start = performance.now();
        const reservation = await gate.reserve({ subject: 'customer-1', request });
        samples[name]?.push(performance.now() - start);
        await gate.settle({ reservation, event: { data: { total_tokens: 120 } } });
      },
      { time: 3_000 },
    );
  }
});
