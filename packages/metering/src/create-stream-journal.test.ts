import { countChatPromptTokens } from '@llm-meter/meter-core';
import { type ChatCompletionChunkLike, ChatStreamMeter } from '@llm-meter/meter-core/push';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import { describe, expect, it } from 'vitest';
import { createStreamJournal } from './create-stream-journal.js';
import { chatChunkReader } from './meter-chat-stream-into-outbox.js';
import { deliverLeftovers } from './testing/journal-outbox.js';
import { useJournalTestBed } from './testing/use-journal-test-bed.js';

const { openai, openDyingOutbox } = useJournalTestBed({ prefix: 'metering-journal-' });

const request = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Name three lighthouses.' }],
};

/**
 * A chat stream's journal, created before the request is sent under the provisional id
 * `provisional-1`; `id` overrides every id, as `LLM_METER_EVENT_IDS=generated` does.
 */
function createJournal({ outbox, id }: { outbox: UsageOutbox; id?: string }) {
  const options = {
    subject: 'customer-journal',
    id,
    fallbackId: 'provisional-1',
    now: () => new Date(),
  };
  return createStreamJournal<ChatCompletionChunkLike>({
    meter: new ChatStreamMeter({ request, options }),
    reader: chatChunkReader,
    outbox,
    fallbackId: id === undefined ? options.fallbackId : undefined,
    onJournalError: (error) => {
      throw error;
    },
  });
}

describe('createStreamJournal: setFallbackId', () => {
  it("a stream killed between upstream's headers and its first chunk is billed under upstream's x-request-id", async () => {
    const { dir, outbox } = await openDyingOutbox();
    const journal = createJournal({ outbox });
    // Journaled before the request is sent, under the provisional id.
    journal.start();
    // openai-local sends its headers, then holds the first chunk.
    const { data: stream, request_id } = await openai()
      .chat.completions.create(
        { ...request, stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-openai-local-fault': 'stall-after=0' } },
      )
      .withResponse();
    expect(request_id).toMatch(/^req_[0-9a-f]{32}$/);
    journal.setFallbackId({ fallbackId: request_id as string });
    // The process dies here: the outbox is left with the stream open.
    await outbox.close({ deadlineMs: 0 });
    stream.controller.abort();

    const delivered = await deliverLeftovers(dir);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      id: request_id,
      data: {
        usage_source: 'estimated',
        estimate_reason: 'crashed',
        prompt_tokens: countChatPromptTokens(request).tokens,
        completion_tokens: 0,
      },
    });
  });

  it('the first chunk still names the stream by the response id, and only the final event is delivered', async () => {
    const { dir, outbox } = await openDyingOutbox();
    const journal = createJournal({ outbox });
    journal.start();
    const { data: stream, request_id } = await openai()
      .chat.completions.create({
        ...request,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    journal.setFallbackId({ fallbackId: request_id as string });
    let streamId: string | undefined;
    for await (const chunk of stream) {
      streamId ??= chunk.id;
      journal.push(chunk);
      // Once named, a late request id changes nothing.
      journal.setFallbackId({ fallbackId: 'req_too_late' });
    }
    const event = journal.finish({ reason: 'completed' });
    expect(event).toMatchObject({ id: streamId, data: { usage_source: 'provider' } });
    expect(streamId).toMatch(/^chatcmpl-/);
    journal.complete(event);
    await outbox.close({ deadlineMs: 0 });
    // Nothing left open: only the final event, still owed (this outbox delivered nowhere).
    expect((await deliverLeftovers(dir)).map((left) => left.id)).toEqual([streamId]);
  });

  it('a stream that fails before its first chunk is estimated under the request id; an id override is kept', async () => {
    const { outbox } = await openDyingOutbox();
    const journal = createJournal({ outbox });
    journal.start();
    journal.setFallbackId({ fallbackId: 'req_0123' });
    expect(journal.finish({ reason: 'error' })).toMatchObject({
      id: 'req_0123',
      data: { estimate_reason: 'error' },
    });

    const overridden = createJournal({ outbox, id: 'generated-7' });
    overridden.start();
    overridden.setFallbackId({ fallbackId: 'req_4567' });
    expect(overridden.finish({ reason: 'error' }).id).toBe('generated-7');
    journal.abandon();
    overridden.abandon();
    await outbox.close({ deadlineMs: 0 });
  });
});

describe('createStreamJournal: startPending', () => {
  /** A chat stream's journal, journaled as its body before it is sent, counting `finish` calls. */
  function createPendingJournal({ outbox }: { outbox: UsageOutbox }) {
    const options = {
      subject: 'customer-pending',
      fallbackId: 'provisional-2',
      now: () => new Date(),
    };
    const body = { ...request, stream: true as const, stream_options: { include_usage: true } };
    const meter = new ChatStreamMeter({ request: body, options });
    const counted = { finishes: 0 };
    const journal = createStreamJournal<ChatCompletionChunkLike>({
      meter: {
        push: (chunk) => meter.push(chunk),
        finish(finishOptions) {
          counted.finishes += 1;
          return meter.finish(finishOptions);
        },
      },
      reader: chatChunkReader,
      outbox,
      fallbackId: options.fallbackId,
      onJournalError: (error) => {
        throw error;
      },
    });
    journal.startPending({ endpoint: 'chat.completions', body: JSON.stringify(body), options });
    return { journal, body, counted };
  }

  it('re-keys the pending record to the request id, then to the response id of a chunk with no text, without counting; a process killed then is billed its prompt once under the response id', async () => {
    const { dir, outbox } = await openDyingOutbox();
    const { journal, body, counted } = createPendingJournal({ outbox });
    // openai-local sends its headers and one chunk, then holds the rest.
    const { data: stream, request_id } = await openai()
      .chat.completions.create(body, { headers: { 'x-openai-local-fault': 'stall-after=1' } })
      .withResponse();
    journal.setFallbackId({ fallbackId: request_id as string });
    const iterator = stream[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as ChatCompletionChunkLike;
    expect(chatChunkReader.generatedTextOf(first)).toBe('');
    journal.push(first);
    expect(counted.finishes).toBe(0);
    expect(journal.snapshots).toBe(3);
    // The process dies here.
    await outbox.close({ deadlineMs: 0 });
    stream.controller.abort();

    const delivered = await deliverLeftovers(dir);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.id).toBe(first.id);
    expect(delivered[0]?.id).toMatch(/^chatcmpl-/);
    expect(delivered[0]?.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'crashed',
      prompt_tokens: countChatPromptTokens(request).tokens,
      completion_tokens: 0,
    });
    expect(delivered[0]?.data).not.toHaveProperty('pending_call');
  });

  it('a chunk with text replaces the pending record by the counted estimate; the final event alone is delivered', async () => {
    const { dir, outbox } = await openDyingOutbox();
    const { journal, body, counted } = createPendingJournal({ outbox });
    const stream = await openai().chat.completions.create(body);
    let streamed = '';
    for await (const chunk of stream) {
      journal.push(chunk);
      streamed += chatChunkReader.generatedTextOf(chunk);
      // The first chunk with text is the first record that needed the count.
      if (streamed !== '') expect(counted.finishes).toBeGreaterThan(0);
    }
    expect(streamed).not.toBe('');
    const event = journal.finish({ reason: 'completed' });
    expect(event.data.usage_source).toBe('provider');
    journal.complete(event);
    await outbox.close({ deadlineMs: 0 });
    expect(await deliverLeftovers(dir)).toEqual([expect.objectContaining({ id: event.id })]);
  });
});
