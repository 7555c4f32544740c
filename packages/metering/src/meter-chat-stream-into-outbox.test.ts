import { countTokens } from '@llm-meter/meter-core';
import { ChatStreamMeter } from '@llm-meter/meter-core/push';
import type {
  OutboxEvent,
  OutboxEventInput,
  UsageOutbox,
  UsageStreamHandle,
} from '@llm-meter/meter-outbox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meterChatStreamIntoOutbox } from './meter-chat-stream-into-outbox.js';
import { openMemoryOutbox } from './testing/open-memory-outbox.js';

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

/** A real outbox whose stream handles also report every journaled snapshot. */
function recordSnapshots(outbox: UsageOutbox) {
  // What the stream journaled, as handed to the outbox (a `time` may be a `Date` there).
  const snapshots: OutboxEventInput[] = [];
  const recording: UsageOutbox = Object.create(outbox);
  recording.openStream = (event) => {
    const handle = outbox.openStream(event);
    snapshots.push(event);
    const wrapped: UsageStreamHandle = {
      id: handle.id,
      update(next) {
        handle.update(next);
        snapshots.push(next);
      },
      complete: (final) => handle.complete(final),
      abandon: () => handle.abandon(),
    };
    return wrapped;
  };
  return { recording, snapshots };
}

async function* streamOf<T>(items: readonly T[], onEach?: (index: number) => void) {
  for (const [index, item] of items.entries()) {
    yield item;
    onEach?.(index);
  }
}

describe('meterChatStreamIntoOutbox', () => {
  it('journals the prompt estimate before the first chunk, then delivers only the final event under the provider id', async () => {
    const { outbox, delivered } = await openMemoryOutbox();
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
    let seen: unknown;
    const metered = meterChatStreamIntoOutbox({
      stream: stream(),
      request,
      outbox,
      options: { subject: 'customer-1' },
      onUsage: (event, details) => {
        seen = { id: event.id, ...details };
      },
    });
    // Nothing has streamed yet, but the prompt is already journaled as an open stream.
    expect(outbox.stats().openStreams).toBe(1);
    release();
    const received: unknown[] = [];
    for await (const item of metered) received.push(item);
    expect(received).toHaveLength(3);
    expect(seen).toEqual({ id: 'chatcmpl-provider-1', responseId: 'chatcmpl-provider-1' });
    expect(outbox.stats().openStreams).toBe(0);
    await outbox.flush();
    expect(
      delivered.map((event) => [event.id, event.data?.total_tokens, event.data?.usage_source]),
    ).toEqual([['chatcmpl-provider-1', 12, 'provider']]);
    await outbox.close();
  });

  it('meters a stream that fails before its first chunk under the provisional id, once', async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    const stream: AsyncIterable<ReturnType<typeof chunk>> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error('connection reset')),
      }),
    };
    const metered = meterChatStreamIntoOutbox({
      stream,
      request,
      outbox,
      options: { subject: 'customer-1', fallbackId: 'request-7' },
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

  it('refuses a legacy completions request at once, journaling nothing', async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    expect(() =>
      meterChatStreamIntoOutbox({
        stream: streamOf([chunk('Hi')]),
        request: { model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi' } as never,
        outbox,
        options: { subject: 'customer-1', fallbackId: 'request-8' },
      }),
    ).toThrow(/^meterChatStreamIntoOutbox: the request has no `messages` array \(it is a legacy/);
    expect(outbox.stats().pending).toBe(0);
    await outbox.flush();
    expect(delivered).toEqual([]);
    await outbox.close();
  });

  it('journals a snapshot on every chunk, each covering at least the chunks before it', async () => {
    const words = fc.array(
      fc.constantFrom('lighthouse', ' keeper', ' counts', ' ships', '.', ' Ünïcode', '\n', '  '),
      { minLength: 1, maxLength: 60 },
    );
    await fc.assert(
      fc.asyncProperty(words, async (pieces) => {
        const { outbox } = await openMemoryOutbox();
        const { recording, snapshots } = recordSnapshots(outbox);
        const afterChunk: OutboxEvent[] = [];
        const chunks = pieces.map((piece) => chunk(piece));
        const metered = meterChatStreamIntoOutbox({
          stream: streamOf(chunks, () => afterChunk.push(snapshots.at(-1) as OutboxEvent)),
          request,
          outbox: recording,
          options: { subject: 'customer-1' },
        });
        for await (const _ of metered) {
          // The snapshot is taken as each chunk goes by.
        }
        for (const [index, snapshot] of afterChunk.entries()) {
          const before = countTokens({
            text: pieces.slice(0, index).join(''),
            model: 'gpt-4o-mini',
          });
          const upTo = pieces.slice(0, index + 1);
          const apart = upTo.reduce(
            (sum, piece) => sum + countTokens({ text: piece, model: 'gpt-4o-mini' }),
            0,
          );
          expect(snapshot.data).toMatchObject({ estimate_reason: 'crashed' });
          // BPE counts are not monotonic in the prefix: "…\n  " is 6 tokens with o200k_base and
          // "…\n  \n" is 5 (the whitespace run merges), so one chunk more may count one less.
          expect(Number(snapshot.data?.completion_tokens)).toBeGreaterThanOrEqual(before - 1);
          expect(Number(snapshot.data?.completion_tokens)).toBeLessThanOrEqual(apart);
        }
        // One snapshot per chunk, plus the prompt estimate journaled before the first.
        expect(snapshots).toHaveLength(pieces.length + 1);
        await outbox.close();
      }),
      { numRuns: 40 },
    );
  });

  it('ends with the same event the meter of meter-core builds from the whole text', async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    const pieces = Array.from({ length: 200 }, (_, index) => ` token${index % 17}`);
    const chunks = pieces.map((piece) => chunk(piece));
    const metered = meterChatStreamIntoOutbox({
      stream: streamOf(chunks),
      request,
      outbox,
      options: { subject: 'customer-1' },
    });
    for await (const _ of metered) {
      // drained
    }
    const reference = new ChatStreamMeter({ request, options: { subject: 'customer-1' } });
    for (const item of chunks) reference.push(item);
    await outbox.flush();
    expect(delivered).toEqual([reference.finish({ reason: 'completed' })]);
    await outbox.close();
  });
});
