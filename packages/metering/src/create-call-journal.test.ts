import { countChatPromptTokens, countTokens, toUsageEvent } from '@llm-meter/meter-core';
import { AnthropicStreamMeter } from '@llm-meter/meter-core/push';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import { describe, expect, it } from 'vitest';
import { createCallJournal } from './create-call-journal.js';
import { deliverLeftovers } from './testing/journal-outbox.js';
import { useJournalTestBed } from './testing/use-journal-test-bed.js';

const { openai, openDyingOutbox } = useJournalTestBed({ prefix: 'metering-call-' });

const chatRequest = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Name three lighthouses.' }],
};
const options = { subject: 'customer-call', fallbackId: 'provisional-1', now: () => new Date() };

describe('createCallJournal', () => {
  it("journals another provider's call with its prompt meter: Anthropic's prompt, billed on the next start", async () => {
    const { dir, outbox } = await openDyingOutbox();
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'Name three lighthouses.' }],
    };
    const call = createCallJournal({
      promptMeter: (meterOptions) => new AnthropicStreamMeter({ request, options: meterOptions }),
      request,
      outbox,
      options: { ...options, fallbackId: 'provisional-anthropic' },
    });
    call.start();
    await outbox.close({ deadlineMs: 0 });
    const expected = new AnthropicStreamMeter({
      request,
      options: { ...options, fallbackId: 'provisional-anthropic' },
    }).finish({ reason: 'error' });
    expect(expected.data.prompt_tokens).toBeGreaterThan(0);
    expect(await deliverLeftovers(dir)).toMatchObject([
      {
        id: 'provisional-anthropic',
        data: {
          usage_source: 'estimated',
          estimate_reason: 'crashed',
          endpoint: 'messages',
          prompt_tokens: expected.data.prompt_tokens,
          completion_tokens: 0,
        },
      },
    ]);
  });

  it('a call whose process dies before the answer is billed on the next start: a crashed estimate of its prompt, under the request id', async () => {
    const { dir, outbox } = await openDyingOutbox();
    const call = createCallJournal({
      endpoint: 'chat.completions',
      request: chatRequest,
      outbox,
      options,
    });
    call.start();
    // What the crash leaves when upstream's headers had not arrived: the provisional id.
    await outbox.close({ deadlineMs: 0 });
    expect(await deliverLeftovers(dir)).toMatchObject([
      {
        id: 'provisional-1',
        data: {
          usage_source: 'estimated',
          estimate_reason: 'crashed',
          endpoint: 'chat.completions',
          requested_model: 'gpt-4o-mini',
          prompt_tokens: countChatPromptTokens(chatRequest).tokens,
          completion_tokens: 0,
          cached_tokens_unknown: true,
        },
      },
    ]);

    // Once the headers named the request, that is the id billed.
    const next = await openDyingOutbox();
    const named = createCallJournal({
      endpoint: 'chat.completions',
      request: chatRequest,
      outbox: next.outbox,
      options,
    });
    named.start();
    named.setFallbackId({ fallbackId: 'req_0123456789abcdef' });
    await next.outbox.close({ deadlineMs: 0 });
    expect((await deliverLeftovers(next.dir)).map((event) => event.id)).toEqual([
      'req_0123456789abcdef',
    ]);
  });

  it("the answer's event replaces the pending record: only it is delivered", async () => {
    const { dir, outbox } = await openDyingOutbox();
    const call = createCallJournal({
      endpoint: 'chat.completions',
      request: chatRequest,
      outbox,
      options,
    });
    call.start();
    const { data: completion, request_id } = await openai()
      .chat.completions.create(chatRequest)
      .withResponse();
    call.setFallbackId({ fallbackId: request_id as string });
    call.complete(toUsageEvent(completion, { ...options, request: chatRequest }));
    await outbox.close({ deadlineMs: 0 });
    // Still owed (this outbox delivered nowhere), once, under the response id.
    expect(await deliverLeftovers(dir)).toMatchObject([
      {
        id: completion.id,
        data: {
          usage_source: 'provider',
          prompt_tokens: completion.usage?.prompt_tokens,
          completion_tokens: completion.usage?.completion_tokens,
        },
      },
    ]);
  });

  it('a call upstream refused bills nothing; a call left without an answer bills its prompt once', async () => {
    const { dir, outbox } = await openDyingOutbox();
    const refused = createCallJournal({
      endpoint: 'responses',
      request: { model: 'gpt-4.1-mini', input: 'Hello' },
      outbox,
      options: { ...options, fallbackId: 'refused-1' },
    });
    refused.start();
    refused.abandon();
    const embeddingsRequest = { model: 'text-embedding-3-small', input: ['one lighthouse', 'two'] };
    const unanswered = createCallJournal({
      endpoint: 'embeddings',
      request: embeddingsRequest,
      outbox,
      options: { ...options, fallbackId: 'unanswered-1' },
    });
    unanswered.start();
    unanswered.complete(unanswered.finish({ reason: 'aborted' }));
    await outbox.close({ deadlineMs: 0 });
    const inputTokens = embeddingsRequest.input.reduce(
      (sum, text) => sum + countTokens({ text, model: embeddingsRequest.model }),
      0,
    );
    expect(await deliverLeftovers(dir)).toMatchObject([
      {
        id: 'unanswered-1',
        data: {
          endpoint: 'embeddings',
          usage_source: 'estimated',
          estimate_reason: 'aborted',
          prompt_tokens: inputTokens,
          total_tokens: inputTokens,
        },
      },
    ]);
  });
});

describe('createCallJournal: startPending', () => {
  const body = { model: 'claude-sonnet-4-5', max_tokens: 64, messages: chatRequest.messages };
  /** An Anthropic call journal whose prompt meter counts how often its estimate is built. */
  function createPendingCall({ outbox }: { outbox: UsageOutbox }) {
    const counted = { finishes: 0 };
    const journal = createCallJournal({
      promptMeter: (meterOptions) => {
        const meter = new AnthropicStreamMeter({ request: body, options: meterOptions });
        return {
          push: () => undefined,
          finish(finishOptions) {
            counted.finishes += 1;
            return meter.finish(finishOptions);
          },
        };
      },
      request: body,
      outbox,
      options: { ...options, fallbackId: 'provisional-pending' },
    });
    journal.startPending({
      endpoint: 'messages',
      body: JSON.stringify(body),
      options: { ...options, fallbackId: 'provisional-pending' },
    });
    return { journal, counted };
  }
  const promptEstimate = () =>
    new AnthropicStreamMeter({ request: body, options }).finish({ reason: 'aborted' }).data
      .prompt_tokens;

  it('a process that dies after the headers is billed the prompt once, counted on the next start, under the request id', async () => {
    const { dir, outbox } = await openDyingOutbox();
    const { journal, counted } = createPendingCall({ outbox });
    journal.setFallbackId({ fallbackId: 'req_pending_1' });
    expect(counted.finishes).toBe(0);
    await outbox.close({ deadlineMs: 0 });
    const delivered = await deliverLeftovers(dir);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      id: 'req_pending_1',
      subject: 'customer-call',
      data: {
        endpoint: 'messages',
        usage_source: 'estimated',
        estimate_reason: 'crashed',
        prompt_tokens: promptEstimate(),
        completion_tokens: 0,
      },
    });
    expect(delivered[0]?.data).not.toHaveProperty('pending_call');
  });

  it("the answer's event replaces the pending record without a count; an abandoned one bills nothing", async () => {
    const { dir, outbox } = await openDyingOutbox();
    const answered = createPendingCall({ outbox });
    answered.journal.setFallbackId({ fallbackId: 'req_pending_2' });
    const answer = answered.journal.finish({ reason: 'completed' });
    answered.counted.finishes = 0;
    answered.journal.complete({ ...answer, id: 'msg_pending_2' });
    expect(answered.counted.finishes).toBe(0);
    const refused = createPendingCall({ outbox });
    refused.journal.abandon();
    await outbox.close({ deadlineMs: 0 });
    expect((await deliverLeftovers(dir)).map((event) => event.id)).toEqual(['msg_pending_2']);
  });
});
