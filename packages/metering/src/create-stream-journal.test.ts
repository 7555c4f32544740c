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
