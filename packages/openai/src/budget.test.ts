import { withSubject } from '@llm-meter/metering';
import { readMeteringStats } from '@llm-meter/metering/sdk';
import {
  createTestBudget,
  type MeteredServers,
  startMeteredServers,
} from '@llm-meter/metering/testing';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterOpenAI } from './meter-openai.js';

let servers: MeteredServers;
beforeAll(async () => {
  servers = await startMeteredServers();
});
afterAll(() => servers.close());

const messages = [{ role: 'user' as const, content: 'Hello' }];

describe.each([
  ['openai 6', OpenAI6],
  ['openai 7', OpenAI7 as unknown as typeof OpenAI6],
])('meterOpenAI with a budget gate (%s)', (label, OpenAI) => {
  const tag = label.replace(' ', '');
  const { budget, requests, fetch } = createTestBudget({ tag });
  const client = () =>
    meterOpenAI(new OpenAI({ apiKey: 'openai-local', baseURL: servers.openaiUrl, fetch }), {
      outbox: servers.outbox,
      budget,
    });

  it("refuses a customer over quota before the call, with the SDK's own RateLimitError", async () => {
    const before = { billed: servers.billed().length, requests: requests.length };
    const subject = `${tag}-broke`;
    const error = await withSubject(subject, () =>
      client().chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 100 }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'insufficient_quota' });
    // Nothing was sent (not even a retry), billed or metered as usage: OpenMeter has one
    // refusal event, which no token meter reads.
    expect(requests.length).toBe(before.requests);
    expect(servers.billed().length).toBe(before.billed);
    const events = (await servers.metered(subject)) as unknown as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
    expect(
      events.map(({ type, data }) => [type, data.reason, data.requested_model, data.feature]),
    ).toEqual([['llm_refusal', 'over_quota', 'gpt-4o-mini', 'tokens']]);
    expect(Object.keys(events[0]?.data ?? {}).filter((key) => key.endsWith('_tokens'))).toEqual([]);
  });

  it('lets a customer within quota through, blocking and streamed, and meters each call', async () => {
    const subject = `${tag}-rich`;
    const metered = client();
    const ids = await withSubject(subject, async () => {
      const completion = await metered.chat.completions.create({ model: 'gpt-4o-mini', messages });
      const stream = await metered.chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
      });
      let streamId = '';
      for await (const chunk of stream) streamId = chunk.id;
      return [completion.id, streamId];
    });
    const events = await servers.metered(subject);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(ids));
    expect(readMeteringStats(metered)).toEqual({ provider: 2, estimated: 0, failures: 0 });
  });
});
