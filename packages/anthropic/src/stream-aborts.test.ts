import Anthropic1 from '@anthropic-ai/sdk';
import { type MeteredServers, startMeteredServers } from '@llm-meter/metering/testing';
import Anthropic0 from 'anthropic0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterAnthropic } from './meter-anthropic.js';

let servers: MeteredServers;
beforeAll(async () => {
  // A paced stream: upstream is still generating when the caller leaves.
  servers = await startMeteredServers({ tokensPerSecond: 40 });
});
afterAll(() => servers.close());

const body = {
  model: 'claude-haiku-4-5',
  max_tokens: 400,
  messages: [{ role: 'user' as const, content: 'Tell me a long story about metering.' }],
};

describe.each([
  ['anthropic 1', Anthropic1],
  ['anthropic 0', Anthropic0 as unknown as typeof Anthropic1],
])('streams their caller leaves (%s)', (label, Anthropic) => {
  const tag = label.replace(' ', '');
  const client = (options: { subject: string; abortGraceMs?: number }) =>
    meterAnthropic(
      new Anthropic({ apiKey: 'openai-local', baseURL: servers.origin, maxRetries: 0 }),
      {
        outbox: servers.outbox,
        defaultSubject: options.subject,
        abortGraceMs: options.abortGraceMs,
      },
    );

  it('estimates a stream left by break under its msg_ id: message_start input, streamed output', async () => {
    const subject = `${tag}-break`;
    const stream = await client({ subject, abortGraceMs: 0 }).messages.create({
      ...body,
      stream: true,
    });
    let id = '';
    let inputTokens = 0;
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'message_start') {
        id = event.message.id;
        inputTokens = event.message.usage.input_tokens;
      }
      if (event.type === 'content_block_delta' && ++deltas === 3) break;
    }
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(1);
    const [event] = await servers.metered(subject);
    expect(event?.id).toBe(id);
    expect(event?.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'aborted',
      prompt_tokens: inputTokens,
    });
    expect(event?.data.completion_tokens).toBeGreaterThanOrEqual(3);
    // openai-local billed the same message as aborted, with the same input.
    await expect
      .poll(() => servers.billed().find((line) => line.id === id)?.outcome)
      .toBe('aborted');
    expect(servers.billed().find((line) => line.id === id)?.input_tokens).toBe(inputTokens);
  });

  it('ends the loops of 4 concurrent callers that abort their signal, each message metered once', async () => {
    const subject = `${tag}-signal`;
    const metered = client({ subject });
    const ids = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const controller = new AbortController();
        const stream = await metered.messages.create(
          { ...body, stream: true },
          { signal: controller.signal },
        );
        let id = '';
        let read = 0;
        for await (const event of stream) {
          if (event.type === 'message_start') id = event.message.id;
          if (++read === 6) controller.abort();
        }
        return id;
      }),
    );
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(4);
    const events = await servers.metered(subject);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(ids));
  });

  it('ends a messages.stream() helper its caller aborts, metered once', async () => {
    const subject = `${tag}-helper-abort`;
    const stream = client({ subject }).messages.stream(body);
    let id = '';
    let read = 0;
    // The helper's loop ends with the SDK's own abort error, as it does unmetered.
    const ended = await (async () => {
      for await (const event of stream) {
        if (event.type === 'message_start') id = event.message.id;
        if (++read === 5) stream.abort();
      }
    })().catch((error: unknown) => error);
    expect(ended).toBeInstanceOf(Anthropic.APIUserAbortError);
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(1);
    const [event] = await servers.metered(subject);
    expect(event?.id).toBe(id);
  });
});
