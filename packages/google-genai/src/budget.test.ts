import { ApiError, GoogleGenAI } from '@google/genai';
import { withSubject } from '@llm-meter/metering';
import { readMeteringStats } from '@llm-meter/metering/sdk';
import {
  createTestBudget,
  type MeteredServers,
  startMeteredServers,
} from '@llm-meter/metering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterGoogleGenAI } from './meter-google-genai.js';

let servers: MeteredServers;
beforeAll(async () => {
  servers = await startMeteredServers();
});
afterAll(() => servers.close());

// The vitest project runs this file against @google/genai 3, then 2 (vitest.config.ts): the
// wrapper's ApiError is then that SDK's own.
const tag = `genai${process.env.GENAI_MAJOR}`;
const params = { model: 'gemini-2.5-flash', contents: 'Hello', config: { maxOutputTokens: 100 } };

describe(`meterGoogleGenAI with a budget gate (@google/genai ${process.env.GENAI_MAJOR})`, () => {
  const { budget, requests, fetch } = createTestBudget({ tag });
  const client = () =>
    meterGoogleGenAI(
      new GoogleGenAI({ apiKey: 'openai-local', httpOptions: { baseUrl: servers.origin, fetch } }),
      { outbox: servers.outbox, budget },
    );

  it("refuses a customer over quota before the call, with the SDK's own ApiError (429)", async () => {
    const before = { billed: servers.billed().length, requests: requests.length };
    const subject = `${tag}-broke`;
    const metered = client();
    const errors = await withSubject(subject, () =>
      Promise.all([
        metered.models.generateContent(params).catch((caught: unknown) => caught),
        metered.models.generateContentStream(params).catch((caught: unknown) => caught),
      ]),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 429 });
      const body = JSON.parse((error as Error).message) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
      expect(body.error.message).toMatch(
        /^insufficient_quota: You exceeded your current quota: genai\d-broke is over quota for tokens: .*meterGoogleGenAI's options\.budget, feature "tokens"/,
      );
    }
    // Nothing was sent, billed or metered as usage: OpenMeter has one refusal event per call
    // (provider google), which no token meter reads.
    expect(requests.length).toBe(before.requests);
    expect(servers.billed().length).toBe(before.billed);
    const events = (await servers.metered(subject)) as unknown as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
    expect(
      events.map(({ type, data }) => [type, data.provider, data.reason, data.requested_model]),
    ).toEqual([
      ['llm_refusal', 'google', 'over_quota', 'gemini-2.5-flash'],
      ['llm_refusal', 'google', 'over_quota', 'gemini-2.5-flash'],
    ]);
    expect(readMeteringStats(metered)).toEqual({ provider: 0, estimated: 0, failures: 0 });
  });

  it('lets a customer within quota through, blocking and streamed, and meters each call', async () => {
    const subject = `${tag}-rich`;
    const metered = client();
    const ids = await withSubject(subject, async () => {
      const response = await metered.models.generateContent(params);
      let streamedId: string | undefined;
      for await (const chunk of await metered.models.generateContentStream(params))
        streamedId ??= chunk.responseId;
      return [response.responseId, streamedId];
    });
    const events = await servers.metered(subject);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(ids));
    expect(events).toHaveLength(2);
    expect(readMeteringStats(metered)).toEqual({ provider: 2, estimated: 0, failures: 0 });
  });
});
