import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEventStream } from '../__fixtures__/post-event-stream.js';
import { parseFaultHeader } from './openai-local-fault.js';
import type { OpenAILocalServer } from './openai-local-options.js';
import { startOpenAILocal } from './start-openai-local.js';

let server: OpenAILocalServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOpenAILocal();
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

const request = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Hello there.' }],
};
const withFault = (fault: string) => ({ headers: { 'x-openai-local-fault': fault } });

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const chunks: unknown[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('parseFaultHeader', () => {
  it.each([
    { given: '429', want: { status: 429 } },
    { given: '503, retry-after=3', want: { status: 503, retryAfterSeconds: 3 } },
    { given: 'drop-after=4', want: { dropAfterChunks: 4 } },
    { given: 'stall-after=2, stall-ms=500', want: { stallAfterChunks: 2, stallMs: 500 } },
    { given: 'stall-ms=100', want: { stallAfterChunks: 0, stallMs: 100 } },
    { given: 'no-usage, delay-ms=20, times=1', want: { omitUsage: true, delayMs: 20, times: 1 } },
  ])('parses $given', ({ given, want }) => {
    expect(parseFaultHeader(given)).toEqual(want);
  });

  it('refuses unknown items with a 400 naming the header', () => {
    expect(() => parseFaultHeader('explode')).toThrow(/Unknown item "explode"/);
  });
});

describe('fault injection', () => {
  it.each([429, 500, 503])('answers %i with the error body the SDK expects', async (status) => {
    const error = await client.chat.completions
      .create(request, withFault(String(status)))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status, requestID: expect.stringMatching(/^req_/) });
    if (status !== 500)
      expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('1');
  });

  it('lets the SDK retry after Retry-After when maxRetries > 0', async () => {
    const retrying = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 2 });
    const startedAt = Date.now();
    // times=1: only the first request with this exact header value fails.
    const completion = await retrying.chat.completions.create(
      request,
      withFault('429, retry-after=1, times=1, delay-ms=0'),
    );
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(950);
  });

  it('applies server-wide faults, by count or by function', async () => {
    const faulty = await startOpenAILocal({ faults: { status: 500, times: 1 } });
    const picky = await startOpenAILocal({
      faults: ({ index }) => (index % 2 === 0 ? { status: 503 } : undefined),
    });
    try {
      const faultyClient = new OpenAI({ apiKey: 'test', baseURL: faulty.url, maxRetries: 0 });
      await expect(faultyClient.chat.completions.create(request)).rejects.toMatchObject({
        status: 500,
      });
      await expect(faultyClient.chat.completions.create(request)).resolves.toBeTruthy();
      const pickyClient = new OpenAI({ apiKey: 'test', baseURL: picky.url, maxRetries: 0 });
      await expect(pickyClient.chat.completions.create(request)).rejects.toMatchObject({
        status: 503,
      });
      await expect(pickyClient.chat.completions.create(request)).resolves.toBeTruthy();
    } finally {
      await Promise.all([faulty.close(), picky.close()]);
    }
  });

  it('drops the connection after N chunks', async () => {
    // The SDK sees the break as an error.
    const stream = await client.chat.completions.create(
      { ...request, stream: true },
      withFault('drop-after=3'),
    );
    await expect(drain(stream)).rejects.toThrow();
    // Exactly 3 events went out before the break (read raw: fetch's stream drops what it queued).
    const read = await postEventStream({
      url: `${server.url}/chat/completions`,
      body: { ...request, stream: true },
      headers: { 'x-openai-local-fault': 'drop-after=3' },
    });
    expect(read.complete).toBe(false);
    expect(read.events).toHaveLength(3);
    expect(read.events).not.toContain('[DONE]');
  });

  it('closes the connection instead of a blocking answer with drop-after', async () => {
    await expect(
      client.chat.completions.create(request, withFault('drop-after=0')),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('stalls mid-stream for N ms', async () => {
    const startedAt = Date.now();
    const chunks = await drain(
      await client.chat.completions.create(
        { ...request, stream: true },
        withFault('stall-after=2, stall-ms=300'),
      ),
    );
    expect(chunks.length).toBeGreaterThan(3);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
  });

  it('stalls forever until the client aborts, and close() ends stalled streams', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { ...request, stream: true },
      { ...withFault('stall-after=1'), signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    expect(await drain(stream)).toHaveLength(1);

    const closing = await startOpenAILocal();
    const closingClient = new OpenAI({ apiKey: 'test', baseURL: closing.url, maxRetries: 0 });
    const stalled = await closingClient.chat.completions.create(
      { ...request, stream: true },
      withFault('stall-after=1'),
    );
    const reading = drain(stalled).catch((error: unknown) => error);
    // The stall has no end of its own: close() resolving at all proves it ended the stream.
    await closing.close();
    await expect(closing.close()).resolves.toBeUndefined();
    await reading;
  });

  it('omits the usage chunk even with include_usage, and the terminal Responses event', async () => {
    const chunks = (await drain(
      await client.chat.completions.create(
        { ...request, stream: true, stream_options: { include_usage: true } },
        withFault('no-usage'),
      ),
    )) as Array<{ choices: unknown[]; usage?: unknown }>;
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === null)).toBe(true);
    const events = (await drain(
      await client.responses.create(
        { model: 'gpt-4o', input: 'Hi', stream: true },
        withFault('no-usage'),
      ),
    )) as Array<{ type: string }>;
    // The stream ends after the output item, as a Responses stream that lost its usage does.
    expect(events.map((event) => event.type).slice(-4)).toEqual([
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
    ]);
    const incomplete = (await drain(
      await client.responses.create(
        { model: 'gpt-4o', input: 'Hi', max_output_tokens: 16, stream: true },
        withFault('no-usage'),
      ),
    )) as Array<{ type: string; item?: { status: string } }>;
    // This answer does not fit in 16 tokens (deterministic), so it would end on response.incomplete.
    expect(incomplete.at(-1)).toMatchObject({
      type: 'response.output_item.done',
      item: { status: 'incomplete' },
    });
  });

  it('delays the response headers', async () => {
    const startedAt = Date.now();
    await client.chat.completions.create(request, withFault('delay-ms=300'));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
  });

  it('answers 400 for a malformed fault header', async () => {
    await expect(
      client.chat.completions.create(request, withFault('drop-after=x')),
    ).rejects.toMatchObject({ status: 400, param: 'x-openai-local-fault' });
  });
});
