import Anthropic1 from '@anthropic-ai/sdk';
import { withSubject } from '@llm-meter/metering';
import { readMeteringStats } from '@llm-meter/metering/sdk';
import {
  createTestBudget,
  type MeteredServers,
  startMeteredServers,
} from '@llm-meter/metering/testing';
import Anthropic0 from 'anthropic0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterAnthropic } from './meter-anthropic.js';

let servers: MeteredServers;
beforeAll(async () => {
  servers = await startMeteredServers();
});
afterAll(() => servers.close());

const body = {
  model: 'claude-haiku-4-5',
  max_tokens: 100,
  messages: [{ role: 'user' as const, content: 'Hello' }],
};

describe.each([
  ['anthropic 1', Anthropic1],
  ['anthropic 0', Anthropic0 as unknown as typeof Anthropic1],
])('meterAnthropic with a budget gate (%s)', (label, Anthropic) => {
  const tag = label.replace(' ', '');
  const { budget, requests, fetch } = createTestBudget({ tag });
  const client = () =>
    meterAnthropic(new Anthropic({ apiKey: 'openai-local', baseURL: servers.origin, fetch }), {
      outbox: servers.outbox,
      budget,
    });

  it("refuses a customer over quota before the call, with the SDK's own RateLimitError", async () => {
    const before = { billed: servers.billed().length, requests: requests.length };
    const subject = `${tag}-broke`;
    const error = await withSubject(subject, () => client().messages.create(body)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      error: { type: 'error', error: { type: 'rate_limit_error' } },
    });
    expect((error as Error).message).toMatch(/insufficient_quota: You exceeded your current quota/);
    // Nothing was sent (not even a retry), billed or metered as usage: OpenMeter has one
    // refusal event (provider anthropic), which no token meter reads.
    expect(requests.length).toBe(before.requests);
    expect(servers.billed().length).toBe(before.billed);
    const events = (await servers.metered(subject)) as unknown as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
    expect(
      events.map(({ type, data }) => [type, data.provider, data.reason, data.requested_model]),
    ).toEqual([['llm_refusal', 'anthropic', 'over_quota', 'claude-haiku-4-5']]);
  });

  it('lets a customer within quota through, blocking and streamed, and meters each call', async () => {
    const subject = `${tag}-rich`;
    const metered = client();
    const ids = await withSubject(subject, async () => {
      const message = await metered.messages.create(body);
      const final = await metered.messages.stream(body).finalMessage();
      return [message.id, final.id];
    });
    const events = await servers.metered(subject);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(ids));
    expect(readMeteringStats(metered)).toEqual({ provider: 2, estimated: 0, failures: 0 });
  });
});
