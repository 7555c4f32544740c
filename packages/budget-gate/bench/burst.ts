// 200 concurrent calls from 4 processes sharing Redis, against a budget of B tokens, with and
// without the gate. Run: pnpm --filter @llm-meter/budget-gate bench
import { startOpenAILocal } from '@llm-meter/openai-local';
import { runBudgetBurst } from '../src/__fixtures__/run-budget-burst.js';
import { startRedis } from '../src/__fixtures__/start-redis.js';

const redis = await startRedis();
const openai = await startOpenAILocal({ tokensPerSecond: 0 });
try {
  const load = { processes: 4, concurrency: 50, budget: 3_000, maxCompletionTokens: 40 };
  const common = { ...load, redisUrl: redis.url, openaiBaseUrl: openai.url };
  const gated = await runBudgetBurst({ ...common, mode: 'gated' });
  const ungated = await runBudgetBurst({ ...common, mode: 'ungated' });
  console.log(
    `budget B = ${load.budget} tokens; 4 processes × 50 concurrent chat calls (max_completion_tokens ${load.maxCompletionTokens})`,
  );
  console.log(
    `with the gate:    ${gated.admitted} admitted, ${gated.refused} refused, ${gated.tokens} tokens used (≤ B + one worst case = ${load.budget + gated.worstCase})`,
  );
  console.log(
    `without the gate: ${ungated.admitted} admitted, ${ungated.tokens} tokens used (${(ungated.tokens / load.budget).toFixed(1)}× the budget)`,
  );
} finally {
  await openai.close();
  await redis.stop();
}
