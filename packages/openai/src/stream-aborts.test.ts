import {
  type MeteredEvent,
  type MeteredServers,
  startMeteredServers,
} from '@llm-meter/metering/testing';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterOpenAI } from './meter-openai.js';

let servers: MeteredServers;
beforeAll(async () => {
  // A paced stream: upstream is still generating when the caller leaves.
  servers = await startMeteredServers({ tokensPerSecond: 40 });
});
afterAll(() => servers.close());

const messages = [{ role: 'user' as const, content: 'Tell me a long story about metering.' }];

describe.each([
  ['openai 6', OpenAI6],
  ['openai 7', OpenAI7 as unknown as typeof OpenAI6],
])('streams their caller leaves (%s)', (label, OpenAI) => {
  const tag = label.replace(' ', '');
  const client = (options: { subject: string; abortGraceMs?: number }) =>
    meterOpenAI(new OpenAI({ apiKey: 'openai-local', baseURL: servers.openaiUrl }), {
      outbox: servers.outbox,
      defaultSubject: options.subject,
      abortGraceMs: options.abortGraceMs,
    });

  it('estimates a stream left by break once upstream is aborted, under the response id', async () => {
    const subject = `${tag}-break`;
    const stream = await client({ subject, abortGraceMs: 0 }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
    });
    let id = '';
    let read = 0;
    for await (const chunk of stream) {
      id = chunk.id;
      if (++read === 3) break;
    }
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(1);
    const [event] = await servers.metered(subject);
    expect(event?.id).toBe(id);
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'aborted' });
    // openai-local billed the same response as aborted.
    await expect
      .poll(() => servers.billed().find((line) => line.id === id)?.outcome)
      .toBe('aborted');
  });

  it('ends the loops of 8 concurrent callers that abort their signal, each stream metered once', async () => {
    const subject = `${tag}-signal`;
    const metered = client({ subject });
    const ids = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const controller = new AbortController();
        const stream = await metered.chat.completions.create(
          { model: 'gpt-4o-mini', messages, stream: true },
          { signal: controller.signal },
        );
        let id = '';
        let read = 0;
        for await (const chunk of stream) {
          id = chunk.id;
          if (++read === 6) controller.abort();
        }
        return id;
      }),
    );
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(8);
    const events = await servers.metered(subject);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(ids));
    for (const event of events) await expectBilledOrAborted(event);
  });

  it('ends the loop of a caller that aborts stream.controller, metered once', async () => {
    const subject = `${tag}-controller`;
    const stream = await client({ subject }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
    });
    let read = 0;
    for await (const _chunk of stream) if (++read === 2) stream.controller.abort();
    expect(read).toBe(2);
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(1);
    const [event] = await servers.metered(subject);
    await expectBilledOrAborted(event);
  });
});

/**
 * An upstream that finished within the grace is billed exactly; one still going is aborted
 * after it and estimated. Which of the two happens depends on the machine's pace, not on the
 * code: both are right.
 */
async function expectBilledOrAborted(event: MeteredEvent | undefined) {
  if (event?.data.usage_source === 'provider') {
    await expect
      .poll(() => {
        const line = servers.billed().find((billed) => billed.id === event.id);
        return [line?.input_tokens, line?.output_tokens];
      })
      .toEqual([event.data.prompt_tokens, event.data.completion_tokens]);
  } else {
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'aborted' });
  }
}
