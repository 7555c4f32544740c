import type { ProxyStack } from './start-proxy-stack.js';

/**
 * The tokens openai-local billed for one provider's calls (all but `exceptId`, a call made
 * directly rather than through the proxy), beside every token openmeter-local metered
 * (`llm_tokens_total`) once the outbox delivered everything journaled.
 */
export async function sumProxiedTokens({
  stack,
  provider,
  exceptId,
}: {
  stack: ProxyStack;
  provider: string;
  exceptId: string | undefined;
}): Promise<{ billed: number; metered: number }> {
  const billed = (await stack.ledger())
    .filter((entry) => entry.provider === provider && entry.id !== exceptId)
    .reduce((sum, entry) => sum + entry.input_tokens + entry.output_tokens, 0);
  await stack.outbox.flush();
  const metered = (await stack.client.meters.query('llm_tokens_total')).data.reduce(
    (sum, row) => sum + row.value,
    0,
  );
  return { billed, metered };
}
