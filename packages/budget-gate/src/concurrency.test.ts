import { type OpenAILocalServer, startOpenAILocal } from '@llm-meter/openai-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBudgetBurst } from './__fixtures__/run-budget-burst.js';
import { redisAvailable, startRedis, type TestRedis } from './__fixtures__/start-redis.js';

let redis: TestRedis;
let openai: OpenAILocalServer;

describe.runIf(redisAvailable)('200 concurrent calls from 4 processes sharing Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
    openai = await startOpenAILocal({ tokensPerSecond: 0 });
  }, 600_000);
  afterAll(async () => {
    await openai?.close();
    await redis?.stop();
  });

  const load = { processes: 4, concurrency: 50, budget: 3_000, maxCompletionTokens: 40 };

  it('admit at most the budget with the gate, and overshoot it without', async () => {
    const common = { ...load, redisUrl: redis.url, openaiBaseUrl: openai.url };
    const gated = await runBudgetBurst({ ...common, mode: 'gated' });
    expect(gated.admitted + gated.refused).toBe(200);
    expect(gated.refused).toBeGreaterThan(0);
    expect(gated.tokens).toBeLessThanOrEqual(load.budget + gated.worstCase);
    const ungated = await runBudgetBurst({ ...common, mode: 'ungated' });
    expect(ungated.admitted).toBe(200);
    expect(ungated.tokens).toBeGreaterThan(load.budget * 2);
  }, 600_000);
});
