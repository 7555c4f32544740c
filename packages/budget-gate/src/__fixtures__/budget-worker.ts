// One process of the concurrency test: waits for "go" on stdin, fires CONCURRENCY chat calls at
// once against openai-local, each admitted by the gate (Redis-shared) or, with MODE=ungated, by
// the cached hasAccess check a gate-less integration makes, and prints what it admitted as JSON.
import { createInterface } from 'node:readline';
import { createBudgetGate } from '../create-budget-gate.js';
import { createRedisReservationStore } from '../create-redis-reservation-store.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`budget-worker needs ${name}`);
  return value;
};
const budget = Number(env('BUDGET'));
const concurrency = Number(env('CONCURRENCY'));
const maxTokens = Number(env('MAX_COMPLETION_TOKENS'));
const gated = env('MODE') === 'gated';
const baseUrl = env('OPENAI_BASE_URL');
const worker = env('WORKER');

const store = createRedisReservationStore({ url: env('REDIS_URL'), keyPrefix: env('KEY_PREFIX') });
const gate = createBudgetGate({
  store,
  feature: 'llm_tokens',
  // The burst lasts well under OpenMeter's ingestion delay: the balance it answers is the budget.
  readValue: async () => ({ hasAccess: true, balance: budget, usage: 0 }),
});

async function call(index: number) {
  const request = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'user', content: `Worker ${worker}, request ${index}: tell me a short story.` },
    ],
    max_completion_tokens: maxTokens,
  };
  const reservation = gated
    ? await gate.reserve({ subject: 'customer-burst', request }).catch(() => undefined)
    : undefined;
  if (gated && !reservation) return { admitted: false, tokens: 0, worstCase: 0 };
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-local' },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as { usage: { total_tokens: number } };
  const tokens = body.usage.total_tokens;
  if (reservation) await gate.settle({ reservation, event: { data: { total_tokens: tokens } } });
  return { admitted: true, tokens, worstCase: reservation?.units ?? 0 };
}

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const results = await Promise.all(Array.from({ length: concurrency }, (_, index) => call(index)));
  process.stdout.write(
    `${JSON.stringify({
      admitted: results.filter((result) => result.admitted).length,
      refused: results.filter((result) => !result.admitted).length,
      tokens: results.reduce((sum, result) => sum + result.tokens, 0),
      worstCase: Math.max(...results.map((result) => result.worstCase)),
    })}\n`,
  );
  break;
}
lines.close();
await gate.close();
