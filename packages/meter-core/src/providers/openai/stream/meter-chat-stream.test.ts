import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';
import {
  ChatPromptRequestError,
  countChatPromptTokens,
} from '../count/count-chat-prompt-tokens.js';
import { readOpenAIFixtures } from '../events/__fixtures__/read-openai-fixtures.js';
import { resolveEstimateEncoding } from '../events/resolve-estimate-encoding.js';
import { createChunkStream } from './__fixtures__/create-chunk-stream.js';
import type { ChatCompletionChunkLike } from './chat-stream-meter.js';
import { meterChatStream } from './meter-chat-stream.js';
import { withStreamUsage } from './with-stream-usage.js';

const chatStreams = readOpenAIFixtures().filter(
  (record) => record.endpoint === 'chat.completions' && record.stream,
);
const subject = 'customer-1';

async function drain<Chunk>(iterable: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const seen: Chunk[] = [];
  for await (const chunk of iterable) seen.push(chunk);
  return seen;
}

// Independent of the meter: concatenate each choice's streamed text, then encode each once. Tool
// calls add their fitted framing on top (see the accuracy gate), so they are told apart.
function countStreamedText(chunks: ChatCompletionChunkLike[]): {
  tokens: number;
  toolCalls: boolean;
} {
  const texts = new Map<string, string>();
  let toolCalls = false;
  const append = (key: string, text: string | null | undefined) => {
    if (text) texts.set(key, (texts.get(key) ?? '') + text);
  };
  for (const chunk of chunks) {
    for (const choice of chunk.choices ?? []) {
      append(`${choice.index}:content`, choice.delta?.content);
      append(`${choice.index}:refusal`, choice.delta?.refusal);
      for (const call of choice.delta?.tool_calls ?? []) {
        toolCalls = true;
        append(`${choice.index}:${call.index}:name`, call.function?.name);
        append(`${choice.index}:${call.index}:arguments`, call.function?.arguments);
      }
    }
  }
  const tokenizer = getTokenizer(resolveEstimateEncoding({ model: chunks[0]?.model }));
  const tokens = [...texts.values()].reduce((sum, text) => sum + tokenizer.count(text), 0);
  return { tokens, toolCalls };
}

describe('meterChatStream over the shared fixtures', () => {
  it('reports the provider usage of every stream that has a usage chunk, unchanged chunks', async () => {
    const withUsage = chatStreams.filter((record) => record.usage !== null);
    expect(withUsage.length).toBeGreaterThan(40);
    for (const record of withUsage) {
      const chunks = record.sse_events as ChatCompletionChunkLike[];
      const onUsage = vi.fn<(event: UsageEvent) => void>();
      const seen = await drain(
        meterChatStream(createChunkStream({ chunks }), {
          request: record.request,
          subject,
          onUsage,
        }),
      );
      expect(seen).toStrictEqual(chunks);
      expect(onUsage, record.name).toHaveBeenCalledTimes(1);
      const event = onUsage.mock.calls[0]?.[0] as UsageEvent;
      const usage = record.usage as Record<string, number>;
      expect(event.data, record.name).toMatchObject({
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.total_tokens,
        usage_source: 'provider',
      });
      expect(event.id).toBe(chunks[0]?.id);
    }
  });

  it('estimates every stream without a usage chunk from the request and the streamed text', async () => {
    const withoutUsage = chatStreams.filter((record) => record.usage === null);
    expect(withoutUsage.length).toBeGreaterThan(60);
    for (const record of withoutUsage) {
      const chunks = record.sse_events as ChatCompletionChunkLike[];
      const onUsage = vi.fn<(event: UsageEvent) => void>();
      await drain(
        meterChatStream(createChunkStream({ chunks }), {
          request: record.request,
          subject,
          onUsage,
        }),
      );
      expect(onUsage).toHaveBeenCalledTimes(1);
      const event = onUsage.mock.calls[0]?.[0] as UsageEvent;
      const encoding = resolveEstimateEncoding({ model: chunks[0]?.model });
      const streamed = countStreamedText(chunks);
      expect(event.data, record.name).toMatchObject({
        usage_source: 'estimated',
        estimate_reason: 'no_usage_chunk',
        prompt_tokens: countChatPromptTokens(record.request, { encoding }).tokens,
      });
      if (streamed.toolCalls) {
        expect(event.data.completion_tokens, record.name).toBeGreaterThan(streamed.tokens);
      } else {
        expect(event.data.completion_tokens, record.name).toBe(streamed.tokens);
      }
    }
  });

  it('marks an estimated event', async () => {
    const record = chatStreams.find(
      (candidate) => candidate.name === 'alexrudall__ruby-openai.jsonl#5',
    );
    const onUsage = vi.fn<(event: UsageEvent) => void>();
    await drain(
      meterChatStream(
        createChunkStream({ chunks: record?.sse_events as ChatCompletionChunkLike[] }),
        {
          request: record?.request ?? {},
          subject,
          onUsage,
        },
      ),
    );
    expect(onUsage.mock.calls[0]?.[0]).toMatchInlineSnapshot(`
      {
        "data": {
          "cache_write_1h_tokens": 0,
          "cache_write_tokens": 0,
          "cached_tokens": 0,
          "cached_tokens_unknown": true,
          "completion_tokens": 9,
          "endpoint": "chat.completions",
          "estimate_reason": "no_usage_chunk",
          "model": "gpt-3.5-turbo-0613",
          "prompt_tokens": 9,
          "provider": "openai",
          "reasoning_tokens": 0,
          "requested_model": "gpt-3.5-turbo",
          "total_tokens": 18,
          "usage_source": "estimated",
        },
        "datacontenttype": "application/json",
        "id": "chatcmpl-8P7s3sDocXsBE8nhq60IMx3WFu4B8",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2023-11-26T11:45:47.000Z",
        "type": "openai",
      }
    `);
  });
});

const sample = chatStreams.find(
  (record) => record.usage !== null && record.categories.includes('n>1'),
);
const sampleChunks = sample?.sse_events as ChatCompletionChunkLike[];

describe('meterChatStream and legacy completions', () => {
  const completionStreams = readOpenAIFixtures().filter(
    (record) => record.endpoint === 'completions' && record.stream,
  );

  it('refuses every recorded text_completion stream at once, naming the legacy prompt', () => {
    expect(completionStreams.length).toBeGreaterThanOrEqual(10);
    for (const record of completionStreams) {
      const onUsage = vi.fn();
      const chunks = (record.sse_events ?? []) as ChatCompletionChunkLike[];
      expect(() =>
        meterChatStream(createChunkStream({ chunks }), {
          request: record.request,
          subject,
          onUsage,
        }),
      ).toThrow(ChatPromptRequestError);
      expect(onUsage).not.toHaveBeenCalled();
    }
    const [record] = completionStreams;
    expect(() =>
      meterChatStream(createChunkStream<ChatCompletionChunkLike>({ chunks: [] }), {
        request: record?.request as never,
        subject,
        onUsage() {},
      }),
    ).toThrow(
      /^meterChatStream: the request has no `messages` array \(it is a legacy completions request with a `prompt`/,
    );
  });

  it('countChatPromptTokens refuses a request without messages instead of answering 3', () => {
    expect(() =>
      countChatPromptTokens({ model: 'gpt-3.5-turbo-instruct', prompt: 'Hi' } as never),
    ).toThrow(
      /^countChatPromptTokens: the request has no `messages` array \(it is a legacy completions request/,
    );
    expect(() => countChatPromptTokens({ model: 'gpt-4o-mini' } as never)).toThrow(
      'countChatPromptTokens: the request has no `messages` array. Pass the body sent to chat.completions.create.',
    );
  });
});

describe('meterChatStream ends', () => {
  it('reports once, as aborted, when the consumer breaks, and closes the stream', async () => {
    const stream = createChunkStream({ chunks: sampleChunks });
    const onUsage = vi.fn<(event: UsageEvent) => void>();
    for await (const _chunk of meterChatStream(stream, {
      request: sample?.request ?? {},
      subject,
      onUsage,
    })) {
      break;
    }
    expect(stream.returned).toBe(true);
    expect(onUsage).toHaveBeenCalledTimes(1);
    expect(onUsage.mock.calls[0]?.[0].data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'aborted',
    });
  });

  it('re-throws the stream error after reporting it once', async () => {
    const error = new Error('socket hang up');
    const onUsage = vi.fn<(event: UsageEvent) => void>();
    const metered = meterChatStream(
      createChunkStream({ chunks: sampleChunks, failAfter: 5, error }),
      {
        request: sample?.request ?? {},
        subject,
        onUsage,
      },
    );
    await expect(drain(metered)).rejects.toBe(error);
    expect(onUsage).toHaveBeenCalledTimes(1);
    expect(onUsage.mock.calls[0]?.[0].data.estimate_reason).toBe('error');
  });

  it('counts an AbortError, or a fired signal, as aborted', async () => {
    const error = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const onUsage = vi.fn<(event: UsageEvent) => void>();
    await expect(
      drain(
        meterChatStream(createChunkStream({ chunks: sampleChunks, failAfter: 3, error }), {
          request: sample?.request ?? {},
          subject,
          onUsage,
        }),
      ),
    ).rejects.toBe(error);
    const controller = new AbortController();
    controller.abort();
    // The openai SDK ends an aborted stream quietly.
    await drain(
      meterChatStream(createChunkStream({ chunks: sampleChunks.slice(0, 3) }), {
        request: sample?.request ?? {},
        subject,
        onUsage,
        signal: controller.signal,
      }),
    );
    expect(onUsage.mock.calls.map(([event]) => event.data.estimate_reason)).toEqual([
      'aborted',
      'aborted',
    ]);
  });

  it('gives the stream error to the consumer and the onUsage error to onUsageError', async () => {
    const streamError = new Error('stream failed');
    const usageError = new Error('outbox full');
    const onUsageError = vi.fn();
    const metered = meterChatStream(
      createChunkStream({ chunks: sampleChunks, failAfter: 2, error: streamError }),
      {
        request: sample?.request ?? {},
        subject,
        onUsage: () => {
          throw usageError;
        },
        onUsageError,
      },
    );
    await expect(drain(metered)).rejects.toBe(streamError);
    expect(onUsageError).toHaveBeenCalledWith(usageError);
  });

  it('throws an onUsage error to the consumer when the stream itself succeeded', async () => {
    const usageError = new Error('outbox full');
    const metered = meterChatStream(createChunkStream({ chunks: sampleChunks }), {
      request: sample?.request ?? {},
      subject,
      onUsage: async () => {
        throw usageError;
      },
    });
    await expect(drain(metered)).rejects.toBe(usageError);
  });

  it('uses the fallback id and clock when the stream fails before its first chunk', async () => {
    const onUsage = vi.fn<(event: UsageEvent) => void>();
    const error = new Error('connection reset');
    await expect(
      drain(
        meterChatStream(createChunkStream({ chunks: sampleChunks, failAfter: 0, error }), {
          request: sample?.request ?? {},
          subject,
          onUsage,
          fallbackId: 'req_fallback',
          now: () => new Date('2026-01-01T00:00:00Z'),
        }),
      ),
    ).rejects.toBe(error);
    expect(onUsage.mock.calls[0]?.[0]).toMatchObject({
      id: 'req_fallback',
      time: '2026-01-01T00:00:00.000Z',
      data: { model: 'gpt-4o-mini', completion_tokens: 0, estimate_reason: 'error' },
    });
  });

  it('reports a UsageEventError naming the id when no fallback id is given', async () => {
    const onUsage = vi.fn();
    const onUsageError = vi.fn();
    const error = new Error('connection reset');
    await expect(
      drain(
        meterChatStream(createChunkStream({ chunks: sampleChunks, failAfter: 0, error }), {
          request: sample?.request ?? {},
          subject,
          onUsage,
          onUsageError,
        }),
      ),
    ).rejects.toBe(error);
    expect(onUsage).not.toHaveBeenCalled();
    expect(onUsageError.mock.calls[0]?.[0]).toBeInstanceOf(UsageEventError);
    expect(onUsageError.mock.calls[0]?.[0].field).toBe('id');
  });

  it('reports once when the consumer returns before reading', async () => {
    const onUsage = vi.fn<(event: UsageEvent) => void>();
    const metered = meterChatStream(createChunkStream({ chunks: sampleChunks }), {
      request: sample?.request ?? {},
      subject,
      onUsage,
      fallbackId: 'req_1',
      now: () => new Date(0),
    });
    await metered.return?.();
    await metered.return?.();
    expect(await metered.next()).toEqual({ done: true, value: undefined });
    expect(onUsage).toHaveBeenCalledTimes(1);
  });
});

function contentChunks(parts: string[], finish: boolean): ChatCompletionChunkLike[] {
  const base = { id: 'chatcmpl-prop', created: 1700000000, model: 'gpt-4o-mini' };
  return [
    ...parts.map((content) => ({ ...base, choices: [{ index: 0, delta: { content } }] })),
    ...(finish ? [{ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }] : []),
  ];
}

// Splits `text` at the given cut points, possibly inside surrogate pairs.
function split(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(text.slice(start, point));
    start = point;
  }
  parts.push(text.slice(start));
  return parts;
}

describe('meterChatStream properties', () => {
  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] };
  const tokenizer = getTokenizer('o200k_base');

  it('any chunking of the content yields one event counting the whole text once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (text, cuts) => {
          const onUsage = vi.fn<(event: UsageEvent) => void>();
          await drain(
            meterChatStream(createChunkStream({ chunks: contentChunks(split(text, cuts), true) }), {
              request,
              subject,
              onUsage,
            }),
          );
          expect(onUsage).toHaveBeenCalledTimes(1);
          expect(onUsage.mock.calls[0]?.[0].data.completion_tokens).toBe(tokenizer.count(text));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any interleaving of choices and tool-call fragments counts each text once, calls framed', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    const cuts = fc.array(fc.nat(), { maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(text, text, text),
        fc.tuple(cuts, cuts, cuts),
        fc.array(fc.nat({ max: 2 }), { maxLength: 40 }),
        async ([first, second, toolArguments], [firstCuts, secondCuts, argumentCuts], order) => {
          const base = { id: 'chatcmpl-prop', created: 1700000000, model: 'gpt-4o-mini' };
          const queues: ChatCompletionChunkLike[][] = [
            split(first, firstCuts).map((content) => ({
              ...base,
              choices: [{ index: 0, delta: { content } }],
            })),
            split(second, secondCuts).map((content) => ({
              ...base,
              choices: [{ index: 1, delta: { content } }],
            })),
            split(toolArguments, argumentCuts).map((fragment, position) => ({
              ...base,
              choices: [
                {
                  index: 1,
                  delta: {
                    tool_calls: [
                      {
                        index: 0,
                        function: {
                          name: position === 0 ? 'get_weather' : undefined,
                          arguments: fragment,
                        },
                      },
                    ],
                  },
                },
              ],
            })),
          ];
          const chunks: ChatCompletionChunkLike[] = [];
          for (const pick of [...order, 0, 1, 2]) {
            for (let offset = 0; offset < 3; offset += 1) {
              const queue = queues[(pick + offset) % 3];
              const chunk = queue?.shift();
              if (chunk) {
                chunks.push(chunk);
                break;
              }
            }
          }
          for (const queue of queues) chunks.push(...queue.splice(0));
          const onUsage = vi.fn<(event: UsageEvent) => void>();
          await drain(
            meterChatStream(createChunkStream({ chunks }), { request, subject, onUsage }),
          );
          expect(onUsage).toHaveBeenCalledTimes(1);
          expect(onUsage.mock.calls[0]?.[0].data.completion_tokens).toBe(
            tokenizer.count(first) +
              tokenizer.count(second) +
              // One call on gpt-4o-mini: its recipient, its arguments and 6 fitted tokens.
              tokenizer.count('functions.get_weather') +
              tokenizer.count(toolArguments) +
              6,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('calls onUsage exactly once under break, throw or abort at any point', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 10 }),
        fc.nat(),
        fc.constantFrom('complete', 'break', 'stream-error', 'consumer-throw', 'abort'),
        async (parts, stopSeed, mode) => {
          const chunks = contentChunks(parts, true);
          const stopAt = stopSeed % (chunks.length + 1);
          const controller = new AbortController();
          const onUsage = vi.fn<(event: UsageEvent) => void>();
          const metered = meterChatStream(
            createChunkStream({
              chunks: mode === 'abort' ? chunks.slice(0, stopAt) : chunks,
              failAfter: mode === 'stream-error' ? stopAt : undefined,
            }),
            {
              request,
              subject,
              onUsage,
              signal: controller.signal,
              fallbackId: 'req_1',
              now: () => new Date(0),
            },
          );
          if (mode === 'abort' && stopAt === 0) controller.abort();
          let seen = 0;
          try {
            for await (const _chunk of metered) {
              if (seen === stopAt && mode === 'break') break;
              if (seen === stopAt && mode === 'consumer-throw') throw new Error('consumer');
              seen += 1;
              if (mode === 'abort' && seen === stopAt) controller.abort();
            }
          } catch {
            // Expected for stream-error and consumer-throw.
          }
          expect(onUsage).toHaveBeenCalledTimes(1);
          const wantReason = {
            complete: 'no_usage_chunk',
            'stream-error': 'error',
            abort: 'aborted',
            // Stopping after the last chunk is a complete read.
            break: stopAt < chunks.length ? 'aborted' : 'no_usage_chunk',
            'consumer-throw': stopAt < chunks.length ? 'aborted' : 'no_usage_chunk',
          }[mode];
          expect(onUsage.mock.calls[0]?.[0].data.estimate_reason).toBe(wantReason);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('withStreamUsage', () => {
  it('asks for the usage chunk and keeps other stream options', () => {
    expect(
      withStreamUsage({
        model: 'gpt-4o-mini',
        messages: [],
        stream_options: { include_obfuscation: false },
      }),
    ).toEqual({
      model: 'gpt-4o-mini',
      messages: [],
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
    });
  });
});
