import { withMeterScope, withSubject } from '@llm-meter/metering';
import { type MeteredServers, startMeteredServers } from '@llm-meter/metering/testing';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterOpenAI } from './meter-openai.js';

let servers: MeteredServers;
beforeAll(async () => {
  servers = await startMeteredServers();
});
afterAll(() => servers.close());

const messages = [{ role: 'user' as const, content: 'Say something about metering.' }];

describe.each([
  ['openai 6', OpenAI6],
  ['openai 7', OpenAI7 as unknown as typeof OpenAI6],
])('meterOpenAI with %s', (label, OpenAI) => {
  const client = () =>
    meterOpenAI(new OpenAI({ apiKey: 'openai-local', baseURL: servers.openaiUrl }), {
      outbox: servers.outbox,
      logger: { warn: () => undefined },
    });
  const tag = label.replace(' ', '');

  it('bills a blocking chat completion once, under its id, with the usage openai-local billed', async () => {
    const subject = `${tag}-blocking`;
    const completion = await withSubject(subject, () =>
      client().chat.completions.create({ model: 'gpt-4o-mini', messages }),
    );
    const compared = await servers.compareWithLedger(subject);
    expect(compared).toEqual([
      {
        id: completion.id,
        usage_source: 'provider',
        metered: [completion.usage?.prompt_tokens, completion.usage?.completion_tokens],
        billed: [completion.usage?.prompt_tokens, completion.usage?.completion_tokens],
      },
    ]);
  });

  it('meters a chat stream with the usage chunk it asked for, kept from a caller that did not ask', async () => {
    const subject = `${tag}-stream`;
    const metered = client();
    const chunks: OpenAI6.ChatCompletionChunk[] = [];
    await withSubject(subject, async () => {
      const stream = await metered.chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
      });
      for await (const chunk of stream) chunks.push(chunk);
    });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.some((chunk) => chunk.choices.length === 0)).toBe(false);
    const compared = await servers.compareWithLedger(subject);
    expect(compared).toHaveLength(1);
    expect(compared[0]?.id).toBe(chunks[0]?.id);
    expect(compared[0]?.usage_source).toBe('provider');
    expect(compared[0]?.metered).toEqual(compared[0]?.billed);
  });

  it('passes the usage chunk to a caller that asked for it', async () => {
    const subject = `${tag}-stream-usage`;
    const stream = await withSubject(subject, () =>
      client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    let usage: OpenAI6.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    const [compared] = await servers.compareWithLedger(subject);
    expect(compared?.metered).toEqual([usage?.prompt_tokens, usage?.completion_tokens]);
    expect(compared?.billed).toEqual(compared?.metered);
  });

  it('meters the .stream() helpers, Responses blocking and streamed, and embeddings, each once', async () => {
    const subject = `${tag}-mixed`;
    const metered = client();
    await withMeterScope({ subject, dimensions: { feature: 'mixed' } }, async () => {
      const helper = metered.chat.completions.stream({ model: 'gpt-4o-mini', messages });
      await helper.finalChatCompletion();
      await metered.responses.create({ model: 'gpt-4o-mini', input: 'Hello' });
      const events = await metered.responses.create({
        model: 'gpt-4o-mini',
        input: 'Hello again',
        stream: true,
      });
      for await (const _event of events);
      await metered.embeddings.create({ model: 'text-embedding-3-small', input: 'to embed' });
      await metered.responses
        .stream({ model: 'gpt-4o-mini', input: 'And once more' })
        .finalResponse();
    });
    const compared = await servers.compareWithLedger(subject);
    expect(compared).toHaveLength(5);
    for (const row of compared) {
      expect(row.usage_source).toBe('provider');
      expect(row.metered).toEqual(row.billed);
    }
    const events = await servers.metered(subject);
    expect(new Set(events.map((event) => event.data.feature))).toEqual(new Set(['mixed']));
  });

  it('still bills an answer upstream finished when the caller leaves mid-stream (the grace)', async () => {
    const subject = `${tag}-leaves`;
    const stream = await withSubject(subject, () =>
      client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }),
    );
    let read = 0;
    for await (const _chunk of stream) if (++read === 2) break;
    // openai-local at full speed has sent the whole answer: read on, it is billed exactly.
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(1);
    const [compared] = await servers.compareWithLedger(subject);
    expect(compared?.usage_source).toBe('provider');
    expect(compared?.metered).toEqual(compared?.billed);
  });
});
