import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ResponseCreateParamsStreaming } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UsageEvent } from '../../../events/usage-event.js';
import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';
import { countChatPromptTokens } from '../count/count-chat-prompt-tokens.js';
import { readOpenAIFixtures } from '../events/__fixtures__/read-openai-fixtures.js';
import { resolveEstimateEncoding } from '../events/resolve-estimate-encoding.js';
import { createSseServer } from './__fixtures__/create-sse-server.js';
import { meterChatStream } from './meter-chat-stream.js';
import { meterResponsesStream } from './meter-responses-stream.js';
import { withStreamUsage } from './with-stream-usage.js';

// The real openai SDK over HTTP against a local server replaying recorded streams.
const records = readOpenAIFixtures();
const chatStreams = records.filter(
  (record) => record.endpoint === 'chat.completions' && record.stream,
);
const responsesStreams = records.filter(
  (record) => record.endpoint === 'responses' && record.stream,
);
const subject = 'customer-1';

let server: Awaited<ReturnType<typeof createSseServer>>;
let client: OpenAI;

beforeAll(async () => {
  server = await createSseServer();
  client = new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
});

function chatRequest(request: Record<string, unknown>): ChatCompletionCreateParamsStreaming {
  return { ...request, stream: true } as ChatCompletionCreateParamsStreaming;
}

async function meterChat({
  request,
  stopAfter,
  controller,
}: {
  request: ChatCompletionCreateParamsStreaming;
  stopAfter?: number;
  controller?: AbortController;
}): Promise<{ event: UsageEvent | undefined; calls: number; chunks: unknown[]; error: unknown }> {
  const onUsage = vi.fn<(event: UsageEvent) => void>();
  const chunks: unknown[] = [];
  let error: unknown;
  try {
    const stream = await client.chat.completions.create(request, { signal: controller?.signal });
    for await (const chunk of meterChatStream(stream, {
      request,
      subject,
      onUsage,
      signal: controller?.signal,
    })) {
      chunks.push(chunk);
      if (chunks.length === stopAfter) {
        if (controller) controller.abort();
        else break;
      }
    }
  } catch (caught) {
    error = caught;
  }
  return { event: onUsage.mock.calls[0]?.[0], calls: onUsage.mock.calls.length, chunks, error };
}

describe('meterChatStream with the openai SDK over HTTP', () => {
  it('reports the recorded usage exactly for complete streams with a usage chunk', async () => {
    for (const record of chatStreams.filter((candidate) => candidate.usage !== null)) {
      server.play({ events: record.sse_events ?? [], mode: 'complete' });
      const { event, calls, chunks, error } = await meterChat({
        request: chatRequest(record.request),
      });
      expect(error, record.name).toBeUndefined();
      expect(chunks).toEqual(record.sse_events);
      expect(calls).toBe(1);
      const usage = record.usage as Record<string, number>;
      expect(event?.data, record.name).toMatchObject({
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.total_tokens,
        usage_source: 'provider',
      });
    }
  });

  it('estimates complete streams without usage as the tokens of the concatenated text', async () => {
    const plain = chatStreams.filter(
      (candidate) => candidate.usage === null && !candidate.categories.includes('tools_defined'),
    );
    expect(plain.length).toBeGreaterThan(20);
    for (const record of plain) {
      server.play({ events: record.sse_events ?? [], mode: 'complete' });
      const { event, calls } = await meterChat({ request: chatRequest(record.request) });
      expect(calls).toBe(1);
      const events = (record.sse_events ?? []) as Array<{
        model?: string;
        choices?: Array<{ delta?: { content?: string | null } }>;
      }>;
      const text = events.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');
      const encoding = resolveEstimateEncoding({ model: events[0]?.model });
      expect(event?.data, record.name).toMatchObject({
        usage_source: 'estimated',
        estimate_reason: 'no_usage_chunk',
        completion_tokens: getTokenizer(encoding).count(text),
        prompt_tokens: countChatPromptTokens(record.request, { encoding }).tokens,
      });
    }
  });

  const sample = chatStreams.find(
    (candidate) => candidate.usage !== null && candidate.categories.includes('n>1'),
  );
  const sampleEvents = sample?.sse_events ?? [];
  const sampleRequest = withStreamUsage(chatRequest(sample?.request ?? {}));

  it('estimates once, as error, a stream whose socket is destroyed mid-stream', async () => {
    server.play({ events: sampleEvents, mode: 'cut', at: 20 });
    const { event, calls, chunks, error } = await meterChat({ request: sampleRequest });
    expect(error).toBeInstanceOf(Error);
    expect(chunks).toHaveLength(20);
    expect(calls).toBe(1);
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'error' });
    expect(event?.id).toBe(sampleEvents[0]?.id);
  });

  it('estimates once, as error, a stream that sends an error event, and re-throws the APIError', async () => {
    server.play({ events: sampleEvents, mode: 'error', at: 10 });
    const { event, calls, error } = await meterChat({ request: sampleRequest });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(calls).toBe(1);
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'error' });
  });

  it('estimates once, as aborted, when the consumer breaks', async () => {
    server.play({ events: sampleEvents, mode: 'hang', at: 15 });
    const { event, calls, chunks, error } = await meterChat({
      request: sampleRequest,
      stopAfter: 5,
    });
    expect(error).toBeUndefined();
    expect(chunks).toHaveLength(5);
    expect(calls).toBe(1);
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'aborted' });
  });

  it('estimates once, as aborted, when the AbortSignal fires', async () => {
    server.play({ events: sampleEvents, mode: 'hang', at: 15 });
    const controller = new AbortController();
    const { event, calls, chunks } = await meterChat({
      request: sampleRequest,
      stopAfter: 7,
      controller,
    });
    expect(chunks.length).toBeGreaterThanOrEqual(7);
    expect(calls).toBe(1);
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'aborted' });
  });
});

describe('meterResponsesStream with the openai SDK over HTTP', () => {
  async function meterResponses({
    request,
    stopAfter,
  }: {
    request: ResponseCreateParamsStreaming;
    stopAfter?: number;
  }): Promise<{ event: UsageEvent | undefined; calls: number; error: unknown }> {
    const onUsage = vi.fn<(event: UsageEvent) => void>();
    let error: unknown;
    let seen = 0;
    try {
      const stream = await client.responses.create(request);
      for await (const _event of meterResponsesStream(stream, { request, subject, onUsage })) {
        seen += 1;
        if (seen === stopAfter) break;
      }
    } catch (caught) {
      error = caught;
    }
    return { event: onUsage.mock.calls[0]?.[0], calls: onUsage.mock.calls.length, error };
  }

  it('reports the recorded usage exactly for complete streams', async () => {
    for (const record of responsesStreams) {
      server.play({ events: record.sse_events ?? [], mode: 'complete' });
      const request = { ...record.request, stream: true } as ResponseCreateParamsStreaming;
      const { event, calls, error } = await meterResponses({ request });
      expect(error, record.name).toBeUndefined();
      expect(calls).toBe(1);
      const usage = record.usage as Record<string, number>;
      expect(event?.data, record.name).toMatchObject({
        prompt_tokens: usage.input_tokens,
        completion_tokens: usage.output_tokens,
        total_tokens: usage.total_tokens,
        usage_source: 'provider',
      });
    }
  });

  it('estimates once when cut, errored or stopped', async () => {
    const record = responsesStreams.find((candidate) => (candidate.sse_events?.length ?? 0) > 10);
    const request = { ...record?.request, stream: true } as ResponseCreateParamsStreaming;
    const events = record?.sse_events ?? [];
    server.play({ events, mode: 'cut', at: 6 });
    const cut = await meterResponses({ request });
    server.play({ events, mode: 'error', at: 6 });
    const errored = await meterResponses({ request });
    server.play({ events, mode: 'hang', at: 8 });
    const stopped = await meterResponses({ request, stopAfter: 4 });
    expect(
      [cut, errored, stopped].map(({ calls, event }) => [calls, event?.data.estimate_reason]),
    ).toEqual([
      [1, 'error'],
      [1, 'error'],
      [1, 'aborted'],
    ]);
    expect(stopped.error).toBeUndefined();
  });
});
