import { GoogleGenAI } from '@google/genai';
import { getUsageProvider } from '@llm-meter/meter-core';
import { type MeteredServers, startMeteredServers } from '@llm-meter/metering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterGoogleGenAI } from './meter-google-genai.js';

let servers: MeteredServers;
beforeAll(async () => {
  // A paced stream: upstream is still generating when the caller leaves.
  servers = await startMeteredServers({ tokensPerSecond: 40 });
});
afterAll(() => servers.close());

// The vitest project runs this file against @google/genai 3, then 2 (vitest.config.ts).
const tag = `genai${process.env.GENAI_MAJOR}`;
const params = {
  model: 'gemini-2.5-flash',
  contents: 'Tell me a long story about metering.',
  config: { maxOutputTokens: 2000 },
};
type Chunk = {
  responseId?: string;
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number };
};

describe(`streams their caller leaves (@google/genai ${process.env.GENAI_MAJOR})`, () => {
  const client = (options: { subject: string; abortGraceMs?: number }) =>
    meterGoogleGenAI(
      new GoogleGenAI({ apiKey: 'openai-local', httpOptions: { baseUrl: servers.origin } }),
      {
        outbox: servers.outbox,
        defaultSubject: options.subject,
        abortGraceMs: options.abortGraceMs,
      },
    );

  it("estimates a stream left by break under its responseId, never below the last chunk's counts", async () => {
    const subject = `${tag}-break`;
    let last: Chunk | undefined;
    let read = 0;
    for await (const chunk of await client({
      subject,
      abortGraceMs: 0,
    }).models.generateContentStream(params)) {
      last = chunk as Chunk;
      if (++read === 3) break;
    }
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(1);
    const [event] = await servers.metered(subject);
    expect(event?.id).toBe(last?.responseId);
    expect(event?.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'aborted',
      prompt_tokens: last?.usageMetadata?.promptTokenCount,
    });
    expect(event?.data.completion_tokens).toBeGreaterThanOrEqual(
      last?.usageMetadata?.candidatesTokenCount ?? 1,
    );
    // openai-local billed the same response as aborted, with the same prompt.
    await expect
      .poll(() => servers.billed().find((line) => line.id === event?.id)?.outcome)
      .toBe('aborted');
    expect(servers.billed().find((line) => line.id === event?.id)?.input_tokens).toBe(
      event?.data.prompt_tokens,
    );
  });

  it('ends the loops of 4 concurrent callers that abort config.abortSignal with the AbortError the SDK throws, each response metered once', async () => {
    const subject = `${tag}-signal`;
    const metered = client({ subject });
    const results = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const controller = new AbortController();
        const stream = await metered.models.generateContentStream({
          ...params,
          config: { ...params.config, abortSignal: controller.signal },
        });
        let id: string | undefined;
        let read = 0;
        const ended = await (async () => {
          for await (const chunk of stream) {
            id ??= chunk.responseId;
            if (++read === 3) controller.abort();
          }
        })().catch((error: unknown) => error);
        return { id, ended };
      }),
    );
    for (const { ended } of results) expect(ended).toMatchObject({ name: 'AbortError' });
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(4);
    const events = await servers.metered(subject);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(results.map(({ id }) => id)));
    // Read on for the abort grace: an answer upstream finished meanwhile bills its own usage.
    for (const row of await servers.compareWithLedger(subject)) {
      if (row.usage_source === 'provider') expect(row.metered).toEqual(row.billed);
      else expect(row.usage_source).toBe('estimated');
    }
  });

  it('estimates a blocking call its caller aborts while upstream holds the answer, once (the prompt)', async () => {
    const subject = `${tag}-blocking-abort`;
    const controller = new AbortController();
    const metered = meterGoogleGenAI(
      new GoogleGenAI({
        apiKey: 'openai-local',
        httpOptions: {
          baseUrl: servers.origin,
          // The caller gives up once the request is on its way.
          fetch: (url: string | URL | Request, init?: RequestInit) => {
            const sent = fetch(url, init);
            controller.abort();
            return sent;
          },
        },
      }),
      { outbox: servers.outbox, defaultSubject: subject },
    );
    const error = await metered.models
      .generateContent({
        ...params,
        config: {
          ...params.config,
          abortSignal: controller.signal,
          httpOptions: { headers: { 'x-openai-local-fault': 'delay-ms=600000' } },
        },
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'AbortError' });
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(1);
    const [event] = await servers.metered(subject);
    expect(event?.data).toMatchObject({
      usage_source: 'estimated',
      estimate_reason: 'aborted',
      prompt_tokens: getUsageProvider('google').estimateRequest(params).promptTokens,
      completion_tokens: 0,
    });
  });

  it('estimates a stream that fails mid-way once, and passes the error on', async () => {
    const subject = `${tag}-dropped`;
    let read = 0;
    const ended = await (async () => {
      for await (const _chunk of await client({ subject }).models.generateContentStream({
        ...params,
        config: {
          ...params.config,
          httpOptions: { headers: { 'x-openai-local-fault': 'drop-after=3' } },
        },
      }))
        read += 1;
    })().catch((error: unknown) => error);
    expect(ended).toBeInstanceOf(Error);
    expect(read).toBeGreaterThanOrEqual(1);
    await expect.poll(() => servers.metered(subject).then((events) => events.length)).toBe(1);
    const [event] = await servers.metered(subject);
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'error' });
  });
});
