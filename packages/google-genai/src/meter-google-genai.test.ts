import {
  type CallableTool,
  type FunctionCall,
  FunctionCallingConfigMode,
  GoogleGenAI,
} from '@google/genai';
import { GoogleGenAI as GoogleGenAI3 } from '@google/genai/node';
import { createUsageOutbox } from '@llm-meter/meter-outbox';
import { withMeterScope, withSubject } from '@llm-meter/metering';
import { MeterSubjectError, readMeteringStats, subjectHeader } from '@llm-meter/metering/sdk';
import { type MeteredServers, startMeteredServers } from '@llm-meter/metering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterGoogleGenAI } from './meter-google-genai.js';

let servers: MeteredServers;
beforeAll(async () => {
  servers = await startMeteredServers();
});
afterAll(() => servers.close());

// The vitest project runs this file against @google/genai 3, then 2 (vitest.config.ts).
const tag = `genai${process.env.GENAI_MAJOR}`;
const model = 'gemini-2.5-flash';
const params = { model, contents: 'Say something about metering.' };
const create = () =>
  new GoogleGenAI({ apiKey: 'openai-local', httpOptions: { baseUrl: servers.origin } });
const client = () =>
  meterGoogleGenAI(create(), { outbox: servers.outbox, logger: { warn: () => undefined } });
const tokensOf = (
  usage:
    | { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number }
    | undefined,
) => [
  usage?.promptTokenCount ?? 0,
  (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
];

describe(`meterGoogleGenAI with @google/genai ${process.env.GENAI_MAJOR}`, () => {
  it("runs against its project's SDK (the wrapper's @google/genai is the same)", () => {
    // `@google/genai/node` is never aliased: it is always the current major.
    expect(GoogleGenAI === GoogleGenAI3).toBe(process.env.GENAI_MAJOR === '3');
  });

  it('bills a blocking generateContent once, under its responseId, with the usage openai-local billed', async () => {
    const subject = `${tag}-blocking`;
    const response = await withSubject(subject, () => client().models.generateContent(params));
    expect(response.text?.length).toBeGreaterThan(0);
    const compared = await servers.compareWithLedger(subject);
    expect(compared).toEqual([
      {
        id: response.responseId,
        usage_source: 'provider',
        metered: tokensOf(response.usageMetadata),
        billed: tokensOf(response.usageMetadata),
      },
    ]);
    const [event] = await servers.metered(subject);
    expect(event?.data).toMatchObject({ provider: 'google', requested_model: model, model });
  });

  it('meters generateContentStream once, every chunk passed through', async () => {
    const subject = `${tag}-stream`;
    const chunks: Array<{ responseId?: string; usageMetadata?: Record<string, number> }> = [];
    await withSubject(subject, async () => {
      for await (const chunk of await client().models.generateContentStream(params))
        chunks.push(chunk as (typeof chunks)[number]);
    });
    expect(chunks.length).toBeGreaterThan(1);
    const compared = await servers.compareWithLedger(subject);
    expect(compared).toEqual([
      {
        id: chunks[0]?.responseId,
        usage_source: 'provider',
        metered: tokensOf(chunks.at(-1)?.usageMetadata),
        billed: tokensOf(chunks.at(-1)?.usageMetadata),
      },
    ]);
  });

  it('meters each turn of a chat (sendMessage, sendMessageStream) once', async () => {
    const subject = `${tag}-chat`;
    const metered = client();
    const ids = await withSubject(subject, async () => {
      const chat = metered.chats.create({ model });
      const first = await chat.sendMessage({ message: 'Hello there.' });
      let streamedId: string | undefined;
      for await (const chunk of await chat.sendMessageStream({ message: 'And again?' }))
        streamedId ??= chunk.responseId;
      return [first.responseId, streamedId];
    });
    const compared = await servers.compareWithLedger(subject);
    expect(new Set(compared.map((row) => row.id))).toEqual(new Set(ids));
    expect(compared).toHaveLength(2);
    for (const row of compared) {
      expect(row.usage_source).toBe('provider');
      expect(row.metered).toEqual(row.billed);
    }
    expect(readMeteringStats(metered)).toEqual({ provider: 2, estimated: 0, failures: 0 });
  });

  it('meters each request of automatic function calling once (Google bills each)', async () => {
    const subject = `${tag}-afc`;
    const weather: CallableTool = {
      tool: async () => ({
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'The weather in a city.',
            parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
      }),
      callTool: async (calls: FunctionCall[]) =>
        calls.map((call) => ({ functionResponse: { name: call.name, response: { celsius: 21 } } })),
    };
    const response = await withSubject(subject, () =>
      client().models.generateContent({
        model,
        contents: 'What is the weather in Paris?',
        config: {
          tools: [weather],
          // openai-local calls the function whenever mode is ANY: two rounds, then the SDK stops.
          toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } },
          automaticFunctionCalling: { maximumRemoteCalls: 2 },
        },
      }),
    );
    const compared = await servers.compareWithLedger(subject);
    expect(compared).toHaveLength(2);
    expect(new Set(compared.map((row) => row.id)).size).toBe(2);
    expect(compared.map((row) => row.id)).toContain(response.responseId);
    for (const row of compared) {
      expect(row.usage_source).toBe('provider');
      expect(row.metered).toEqual(row.billed);
    }
  });

  it('bills concurrent scopes to their own subjects, with their dimensions', async () => {
    const metered = client();
    const subjects = [`${tag}-scope-a`, `${tag}-scope-b`, `${tag}-scope-c`];
    const ids = await Promise.all(
      subjects.map((subject) =>
        withMeterScope({ subject, dimensions: { feature: subject } }, async () => {
          let id: string | undefined;
          for await (const chunk of await metered.models.generateContentStream(params))
            id ??= chunk.responseId;
          return id;
        }),
      ),
    );
    for (const [index, subject] of subjects.entries()) {
      const events = await servers.metered(subject);
      expect(events.map((event) => [event.id, event.data.feature])).toEqual([
        [ids[index], subject],
      ]);
    }
  });

  it('takes the subject from the per-call header and never sends that header', async () => {
    const sent: Headers[] = [];
    const spied = meterGoogleGenAI(
      new GoogleGenAI({
        apiKey: 'openai-local',
        httpOptions: {
          baseUrl: servers.origin,
          // A spy between the SDK and the network.
          fetch: (url: string | URL | Request, init?: RequestInit) => {
            sent.push(new Headers(init?.headers));
            return fetch(url, init);
          },
        },
      }),
      { outbox: servers.outbox },
    );
    const subject = `${tag}-header`;
    const response = await spied.models.generateContent({
      ...params,
      config: { httpOptions: { headers: { [subjectHeader]: subject } } },
    });
    expect(sent.map((headers) => headers.has(subjectHeader))).toEqual([false]);
    expect((await servers.metered(subject)).map((event) => event.id)).toEqual([
      response.responseId,
    ]);
  });

  it('refuses a call nobody pays for before it is sent, and bills a configured default', async () => {
    const before = servers.billed().length;
    await expect(client().models.generateContent(params)).rejects.toThrow(MeterSubjectError);
    await expect(client().models.generateContentStream(params)).rejects.toThrow(
      /config: \{ httpOptions: \{ headers: \{ 'x-llm-meter-subject'/,
    );
    expect(servers.billed().length).toBe(before);
    const subject = `${tag}-default`;
    const metered = meterGoogleGenAI(create(), { outbox: servers.outbox, defaultSubject: subject });
    const response = await metered.models.generateContent(params);
    expect((await servers.metered(subject)).map((event) => event.id)).toEqual([
      response.responseId,
    ]);
  });

  it('refuses to meter one client twice (every call would be billed twice)', () => {
    const metered = client();
    expect(() => meterGoogleGenAI(metered, { outbox: servers.outbox })).toThrow(/metered already/);
  });

  it('refuses what is not a GoogleGenAI client it can meter, saying which versions are', () => {
    const notAClient = {
      models: { generateContent: () => undefined, generateContentStream: () => undefined },
    };
    expect(() => meterGoogleGenAI(notAClient, { outbox: servers.outbox })).toThrow(
      /@google\/genai 2 or 3/,
    );
  });

  it('returns the answer when the outbox refuses its event, and logs and counts the refusal', async () => {
    const outbox = await createUsageOutbox({
      client: { events: { ingest: async () => undefined } },
      logger: false,
    });
    await outbox.close();
    const warnings: string[] = [];
    const metered = meterGoogleGenAI(create(), {
      outbox,
      defaultSubject: `${tag}-closed`,
      logger: { warn: (message) => warnings.push(message) },
    });
    const response = await metered.models.generateContent(params);
    expect(response.text?.length).toBeGreaterThan(0);
    let chunks = 0;
    for await (const _chunk of await metered.models.generateContentStream(params)) chunks += 1;
    expect(chunks).toBeGreaterThan(1);
    expect(readMeteringStats(metered)?.failures).toBeGreaterThanOrEqual(2);
    expect(warnings.length).toBe(readMeteringStats(metered)?.failures);
    expect(warnings[0]).toMatch(/^llm-meter: .*\(the call itself went on\)$/);
  });

  it('drops a call upstream refused: nothing billed, nothing metered', async () => {
    const subject = `${tag}-refused`;
    const error = await withSubject(subject, () =>
      client().models.generateContent({
        ...params,
        config: { httpOptions: { headers: { 'x-openai-local-fault': '400' } } },
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400 });
    expect(await servers.metered(subject)).toEqual([]);
  });
});
