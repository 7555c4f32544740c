import Anthropic from '@anthropic-ai/sdk';
import type { OutboxEvent } from '@llm-meter/meter-outbox';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterAnthropicStreamIntoOutbox } from './meter-anthropic-stream-into-outbox.js';
import { openMemoryOutbox } from './testing/open-memory-outbox.js';

let anthropic: Anthropic;
let close: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const local = await startOpenAILocal({ tokensPerSecond: 0 });
  anthropic = new Anthropic({ apiKey: 'openai-local', baseURL: local.origin, maxRetries: 0 });
  close = () => local.close();
});
afterAll(() => close());

const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 200,
  messages: [{ role: 'user' as const, content: 'Tell a story about a lighthouse keeper.' }],
};
const options = { subject: 'customer-acme', now: () => new Date('2026-12-07T12:00:00.000Z') };

describe('meterAnthropicStreamIntoOutbox, with @anthropic-ai/sdk against openai-local', () => {
  it('delivers one event with the usage of the last message_delta, under the message id', async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    const stream = await anthropic.messages.create({ ...request, stream: true });
    let start: Anthropic.Usage | undefined;
    let final: Anthropic.MessageDeltaUsage | undefined;
    let id: string | undefined;
    for await (const event of meterAnthropicStreamIntoOutbox({
      stream,
      request,
      outbox,
      options,
    })) {
      if (event.type === 'message_start') {
        start = event.message.usage;
        id = event.message.id;
      }
      if (event.type === 'message_delta') final = event.usage;
    }
    await outbox.flush();
    await outbox.close();
    expect(delivered).toHaveLength(1);
    const event = delivered[0] as OutboxEvent;
    expect(event.id).toBe(id);
    expect(id).toMatch(/^msg_/);
    const input =
      (start?.input_tokens ?? 0) +
      (start?.cache_creation_input_tokens ?? 0) +
      (start?.cache_read_input_tokens ?? 0);
    expect(event.data).toMatchObject({
      provider: 'anthropic',
      usage_source: 'provider',
      prompt_tokens: input,
      completion_tokens: final?.output_tokens,
      total_tokens: input + (final?.output_tokens ?? Number.NaN),
    });
  });

  it('an aborted stream is one estimate: the input side from message_start, the output estimated from what arrived', async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    const controller = new AbortController();
    const stream = await anthropic.messages.create(
      { ...request, stream: true },
      { signal: controller.signal },
    );
    let start: Anthropic.Usage | undefined;
    let deltas = 0;
    for await (const event of meterAnthropicStreamIntoOutbox({
      stream,
      request,
      outbox,
      signal: controller.signal,
      options,
    })) {
      if (event.type === 'message_start') start = event.message.usage;
      if (event.type === 'content_block_delta' && ++deltas === 6) {
        controller.abort();
        break;
      }
    }
    await outbox.flush();
    await outbox.close();
    expect(delivered).toHaveLength(1);
    const data = (delivered[0] as OutboxEvent).data as Record<string, unknown>;
    expect(data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'aborted',
      prompt_tokens: start?.input_tokens,
    });
    // Six one-token deltas, counted with the calibrated model: never a silent zero.
    expect(Number(data.completion_tokens)).toBeGreaterThanOrEqual(6);
  });
});
