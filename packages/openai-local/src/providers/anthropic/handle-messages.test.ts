import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEventStream } from '../../__fixtures__/post-event-stream.js';
import type { BilledRequest } from '../../ledger/billed-request.js';
import { usageLedgerFileName } from '../../ledger/create-usage-ledger.js';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let dataDir: string;
let server: OpenAILocalServer;
let client: Anthropic;
let clock = new Date('2026-12-07T10:00:00.000Z');

// A system prompt long enough to cache on Sonnet (1,024 tokens at least).
const longSystem = Array.from(
  { length: 400 },
  (_, index) => `Rule ${index}: meter every token once.`,
).join(' ');

const billed = (): BilledRequest[] =>
  readFileSync(join(dataDir, usageLedgerFileName), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as BilledRequest);
const billedFor = (id: string) => billed().find((entry) => entry.id === id);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'openai-local-anthropic-'));
  server = await startOpenAILocal({ dataDir, now: () => clock });
  client = new Anthropic({
    apiKey: 'test-key',
    baseURL: server.url.replace(/\/v1$/, ''),
    maxRetries: 0,
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('POST /v1/messages with @anthropic-ai/sdk', () => {
  it('answers a blocking message in Anthropic shape and bills exactly its usage', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(message.id).toMatch(/^msg_01[1-9A-HJ-NP-Za-km-z]{22}$/);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      stop_reason: 'end_turn',
      stop_sequence: null,
      content: [{ type: 'text' }],
    });
    expect(message.usage).toEqual({
      input_tokens: expect.any(Number),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: expect.any(Number),
      service_tier: 'standard',
      inference_geo: 'not_available',
    });
    expect(billedFor(message.id)).toMatchObject({
      provider: 'anthropic',
      endpoint: 'messages',
      model: 'claude-sonnet-4-5-20250929',
      outcome: 'completed',
      input_tokens: message.usage.input_tokens,
      input_cached_tokens: 0,
      input_cache_write_5m_tokens: 0,
      input_cache_write_1h_tokens: 0,
      output_tokens: message.usage.output_tokens,
    });
    // count_tokens counts the same prompt.
    const counted = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(counted).toEqual({ input_tokens: message.usage.input_tokens });
  });

  it('streams the real event sequence, with cumulative usage in message_delta', async () => {
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 300,
      messages: [{ role: 'user' as const, content: 'Tell me about metering.' }],
    };
    const blocking = await client.messages.create(body);
    // The SDK drops `ping` events: read the raw stream to see every event.
    const raw = await postEventStream({
      url: `${server.url}/messages`,
      body: { ...body, stream: true },
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(raw.complete).toBe(true);
    const events = raw.events as Array<{ type: string } & Record<string, unknown>>;
    const types = events.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(types.slice(3, -3))).toEqual(new Set(['content_block_delta']));
    const start = events[0] as unknown as Anthropic.RawMessageStartEvent;
    expect(start.message.usage).toMatchObject({
      input_tokens: blocking.usage.input_tokens,
      output_tokens: 1,
    });
    const delta = events.at(-2) as unknown as Anthropic.RawMessageDeltaEvent;
    expect(delta.usage).toEqual({
      input_tokens: blocking.usage.input_tokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: blocking.usage.output_tokens,
    });
    const stream = client.messages.stream(body);
    const final = await stream.finalMessage();
    // The streamed answer is the blocking one, token for token.
    expect(final.content).toEqual(blocking.content);
    await expect.poll(() => billedFor(final.id)?.output_tokens).toBe(blocking.usage.output_tokens);
    expect(billedFor(final.id)).toMatchObject({
      outcome: 'completed',
      input_tokens: blocking.usage.input_tokens,
    });
  });

  it('bills an aborted stream its whole prompt and the output it sent', async () => {
    const stream = await client.messages.create(
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 500,
        stream: true,
        messages: [{ role: 'user', content: 'A long answer, please.' }],
      },
      // Stall after 6 events (start, block start, ping, 3 deltas) until the client leaves.
      { headers: { 'x-openai-local-fault': 'stall-after=6' } },
    );
    let id = '';
    let text = '';
    let seen = 0;
    for await (const event of stream) {
      if (event.type === 'message_start') id = event.message.id;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        text += event.delta.text;
      seen += 1;
      // The SDK drops the ping: the 5th event it yields is the 3rd delta.
      if (seen === 5) stream.controller.abort();
    }
    await expect.poll(() => billedFor(id)?.outcome).toBe('aborted');
    const entry = billedFor(id);
    const counted = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'A long answer, please.' }],
    });
    expect(entry?.input_tokens).toBe(counted.input_tokens);
    // Three text deltas of one token each were sent.
    expect(entry?.output_tokens).toBe(3);
    expect(text.length).toBeGreaterThan(0);
  });

  it('writes the prompt cache at a cache_control breakpoint, then reads it', async () => {
    const body = (ttl: '5m' | '1h' | undefined) => ({
      model: 'claude-sonnet-4-5',
      max_tokens: 50,
      system: [
        {
          type: 'text' as const,
          text: longSystem,
          cache_control:
            ttl === undefined
              ? { type: 'ephemeral' as const }
              : { type: 'ephemeral' as const, ttl },
        },
      ],
      messages: [{ role: 'user' as const, content: 'Which rule comes first?' }],
    });
    const first = await client.messages.create(body(undefined));
    const written = first.usage.cache_creation_input_tokens ?? 0;
    expect(written).toBeGreaterThanOrEqual(1024);
    expect(first.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: written,
      ephemeral_1h_input_tokens: 0,
    });
    expect(first.usage.cache_read_input_tokens).toBe(0);
    const second = await client.messages.create(body(undefined));
    expect(second.usage).toMatchObject({
      cache_read_input_tokens: written,
      cache_creation_input_tokens: 0,
      input_tokens: first.usage.input_tokens,
    });
    expect(billedFor(second.id)).toMatchObject({
      input_tokens: first.usage.input_tokens + written,
      input_cached_tokens: written,
      input_cache_write_5m_tokens: 0,
    });
    // Past its 5-minute lifetime the prefix is written again, this time for an hour.
    clock = new Date(clock.getTime() + 6 * 60_000);
    const third = await client.messages.create(body('1h'));
    expect(third.usage.cache_read_input_tokens).toBe(0);
    expect(third.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: written,
    });
    expect(billedFor(third.id)).toMatchObject({ input_cache_write_1h_tokens: written });
    // count_tokens counts the whole prompt: uncached, read and written alike.
    const counted = await client.messages.countTokens({
      model: body(undefined).model,
      system: body(undefined).system,
      messages: body(undefined).messages,
    });
    expect(counted.input_tokens).toBe(first.usage.input_tokens + written);
  });

  it('streams a thinking block before the text with extended thinking, billed as output', async () => {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 4000,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      messages: [{ role: 'user' as const, content: 'What is 17 * 23?' }],
    };
    const blocking = await client.messages.create(body);
    expect(blocking.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    const thinking = blocking.content[0] as Anthropic.ThinkingBlock;
    expect(thinking.signature.length).toBeGreaterThan(0);
    const usage = blocking.usage as Anthropic.Usage & {
      output_tokens_details?: { thinking_tokens: number };
    };
    const thinkingTokens = usage.output_tokens_details?.thinking_tokens ?? 0;
    expect(thinkingTokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeGreaterThan(thinkingTokens);
    const stream = client.messages.stream(body);
    const deltas = new Set<string>();
    for await (const event of stream) {
      if (event.type === 'content_block_delta') deltas.add(event.delta.type);
    }
    expect(deltas).toEqual(new Set(['thinking_delta', 'signature_delta', 'text_delta']));
    const final = await stream.finalMessage();
    expect(final.content).toEqual(blocking.content);
    await expect.poll(() => billedFor(final.id)?.reasoning_tokens).toBe(thinkingTokens);
    expect(billedFor(final.id)?.output_tokens).toBe(usage.output_tokens);
  });

  it('refuses in Anthropic error shapes, so the SDK raises the right exception', async () => {
    await expect(
      client.messages.create({
        model: 'claude-unknown',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(
      client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1000,
        thinking: { type: 'enabled', budget_tokens: 2000 },
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(
      client.messages.create(
        { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-openai-local-fault': '429' } },
      ),
    ).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    const response = await fetch(`${server.url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [] }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: expect.stringContaining('x-api-key') },
      request_id: response.headers.get('request-id'),
    });
  });
});
