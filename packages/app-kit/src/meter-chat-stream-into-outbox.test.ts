import type { OutboxEvent } from '@llm-meter/meter-outbox';
import { createUsageOutbox } from '@llm-meter/meter-outbox';
import { describe, expect, it } from 'vitest';
import { meterChatStreamIntoOutbox } from './meter-chat-stream-into-outbox.js';

const request = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Hello there' }],
};
const chunk = (content: string, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-provider-1',
  created: 1_764_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, delta: { content } }],
  ...extra,
});

async function createMemoryOutbox() {
  const delivered: OutboxEvent[] = [];
  const outbox = await createUsageOutbox({
    client: { events: { ingest: async (events) => void delivered.push(...events) } },
    flushIntervalMs: 5,
    logger: false,
  });
  return { outbox, delivered };
}

describe('meterChatStreamIntoOutbox', () => {
  it('journals the prompt estimate before the first chunk, then delivers only the final event under the provider id', async () => {
    const { outbox, delivered } = await createMemoryOutbox();
    let release: () => void = () => undefined;
    const firstChunkArrives = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* stream() {
      await firstChunkArrives;
      yield chunk('Hi');
      yield chunk('!', { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      yield chunk('', {
        choices: [],
        usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
      });
    }
    const metered = meterChatStreamIntoOutbox({
      stream: stream(),
      request,
      outbox,
      options: { subject: 'customer-1' },
    });
    // Nothing has streamed yet, but the prompt is already journaled as an open stream.
    expect(outbox.stats().openStreams).toBe(1);
    release();
    const received: unknown[] = [];
    for await (const item of metered) received.push(item);
    expect(received).toHaveLength(3);
    expect(outbox.stats().openStreams).toBe(0);
    await outbox.flush();
    expect(
      delivered.map((event) => [event.id, event.data?.total_tokens, event.data?.usage_source]),
    ).toEqual([['chatcmpl-provider-1', 12, 'provider']]);
    await outbox.close();
  });

  it('meters a stream that fails before its first chunk under the provisional id, once', async () => {
    const { outbox, delivered } = await createMemoryOutbox();
    const stream: AsyncIterable<ReturnType<typeof chunk>> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error('connection reset')),
      }),
    };
    const metered = meterChatStreamIntoOutbox({
      stream,
      request,
      outbox,
      options: { subject: 'customer-1', id: 'request-7' },
    });
    await expect(async () => {
      for await (const _ of metered) {
        // nothing arrives
      }
    }).rejects.toThrow('connection reset');
    await outbox.flush();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.id).toBe('request-7');
    expect(delivered[0]?.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'error',
      completion_tokens: 0,
    });
    expect(Number(delivered[0]?.data?.prompt_tokens)).toBeGreaterThan(0);
    await outbox.close();
  });
});
