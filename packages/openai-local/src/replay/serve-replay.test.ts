import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { OpenAILocalServer } from '../server/openai-local-options.js';
import { startOpenAILocal } from '../server/start-openai-local.js';
import type { ReplayRecord } from './create-replay-store.js';

// The shared fixtures sit beside the repository (../shared from its root), never copied in.
const fixtures = new URL('../../../../../shared/fixtures/openai/', import.meta.url);
const files = [
  'alexrudall__ruby-openai.jsonl',
  'open-telemetry__opentelemetry-python-contrib.jsonl',
].map((name) => fileURLToPath(new URL(name, fixtures)));
type Recorded = ReplayRecord & { categories: string[]; request: Record<string, unknown> };
const records: Recorded[] = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Recorded),
);

function findRecord(predicate: (record: Recorded) => boolean): Recorded {
  const record = records.find(predicate);
  if (record === undefined)
    throw new Error('No fixture record matches: the shared fixtures changed, pick another record.');
  return record;
}

let server: OpenAILocalServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOpenAILocal({ replay: files });
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('replay', () => {
  it('returns the recorded chat completion body', async () => {
    const record = findRecord(
      (entry) =>
        entry.endpoint === 'chat.completions' &&
        !entry.stream &&
        entry.categories.includes('plain_text'),
    );
    // Key order must not matter: send the request with its keys reversed.
    const reordered = Object.fromEntries(Object.entries(record.request).reverse());
    const completion = await client.chat.completions.create(reordered as never);
    expect(completion).toEqual(record.response);
  });

  it('streams the recorded chat chunks in order', async () => {
    const record = findRecord(
      (entry) =>
        entry.endpoint === 'chat.completions' &&
        entry.stream &&
        entry.categories.includes('stream_include_usage'),
    );
    const chunks = await drain(
      (await client.chat.completions.create(
        record.request as never,
      )) as unknown as AsyncIterable<unknown>,
    );
    expect(chunks).toEqual(record.sse_events);
  });

  it('streams the recorded Responses events in order', async () => {
    const record = findRecord(
      (entry) =>
        entry.endpoint === 'responses' &&
        entry.stream &&
        (entry.sse_events ?? []).some(
          (event) => (event as { sequence_number?: number }).sequence_number !== undefined,
        ),
    );
    const events = await drain(
      (await client.responses.create(record.request as never)) as unknown as AsyncIterable<unknown>,
    );
    expect(events).toEqual(record.sse_events);
  });

  it('leaves out the usage chunk or the terminal Responses event with the no-usage fault', async () => {
    // A fresh server: recordings of the same request are served in order, from the first.
    const fresh = await startOpenAILocal({ replay: files, faults: { omitUsage: true } });
    onTestFinished(() => fresh.close());
    const freshClient = new OpenAI({ apiKey: 'test', baseURL: fresh.url, maxRetries: 0 });
    const chatRecord = findRecord(
      (entry) =>
        entry.endpoint === 'chat.completions' &&
        entry.stream &&
        entry.categories.includes('stream_include_usage'),
    );
    const chunks = (await drain(
      (await freshClient.chat.completions.create(
        chatRecord.request as never,
      )) as unknown as AsyncIterable<unknown>,
    )) as Array<{ choices: unknown[] }>;
    expect(chunks).toEqual(
      (chatRecord.sse_events as Array<{ choices: unknown[] }>).filter(
        (chunk) => chunk.choices.length > 0,
      ),
    );
    expect(chunks.length).toBe((chatRecord.sse_events ?? []).length - 1);

    const record = findRecord(
      (entry) =>
        entry.endpoint === 'responses' &&
        entry.stream &&
        (entry.sse_events ?? []).some(
          (event) => (event as { type?: string }).type === 'response.completed',
        ),
    );
    const events = await drain(
      (await freshClient.responses.create(
        record.request as never,
      )) as unknown as AsyncIterable<unknown>,
    );
    const recorded = record.sse_events as Array<{ type: string }>;
    expect(recorded.at(-1)?.type).toBe('response.completed');
    expect(events).toEqual(recorded.slice(0, -1));
  });

  it('returns the recorded embeddings body', async () => {
    const record = findRecord((entry) => entry.endpoint === 'embeddings');
    // embeddings.create() would add encoding_format: 'base64' to the body; post it as recorded.
    const body = await client.post('/embeddings', { body: record.request });
    expect(body).toEqual(record.response);
  });

  it('answers 404 for an unrecorded request, or generates with replayFallback: generate', async () => {
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'Never recorded.' }],
    };
    await expect(client.chat.completions.create(request)).rejects.toMatchObject({
      status: 404,
      code: 'replay_not_found',
    });
    const fallback = await startOpenAILocal({ replay: files[0], replayFallback: 'generate' });
    try {
      const fallbackClient = new OpenAI({ apiKey: 'test', baseURL: fallback.url, maxRetries: 0 });
      const completion = await fallbackClient.chat.completions.create(request);
      expect(completion.choices[0]?.message.content).toBeTruthy();
    } finally {
      await fallback.close();
    }
  });
});
