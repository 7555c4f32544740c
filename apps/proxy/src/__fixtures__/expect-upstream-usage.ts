import type OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { expect } from 'vitest';

/**
 * Asserts that `event` bills the stored chat completion `id` with upstream's own usage, and that
 * upstream finished it (an aborted one has no finish reason); returns what upstream billed.
 */
export async function expectUpstreamUsage({
  upstream,
  id,
  event,
}: {
  /** A client on openai-local itself, not on the proxy. */
  upstream: OpenAI;
  id: string;
  event: unknown;
}): Promise<ChatCompletion> {
  const billed = await upstream.chat.completions.retrieve(id);
  expect(billed.choices[0]?.finish_reason).not.toBeNull();
  expect(event).toMatchObject({
    id,
    data: {
      usage_source: 'provider',
      prompt_tokens: billed.usage?.prompt_tokens,
      completion_tokens: billed.usage?.completion_tokens,
      total_tokens: billed.usage?.total_tokens,
    },
  });
  return billed;
}
