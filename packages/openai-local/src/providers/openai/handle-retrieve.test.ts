import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEventStream } from '../../__fixtures__/post-event-stream.js';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let dataDir: string;
let server: OpenAILocalServer;
let client: OpenAI;
const clock = new Date('2026-12-02T10:00:00.000Z');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'openai-local-retrieve-'));
  server = await startOpenAILocal({ dataDir, now: () => clock });
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const chatRequest = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Tell me about metering.' }],
};
const responsesRequest = { model: 'gpt-4.1-mini', input: 'Tell me about metering.' };
const withFault = (value: string) => ({ headers: { 'x-openai-local-fault': value } });

describe('GET /v1/chat/completions/{id}', () => {
  it('answers a stored completion as it was billed, and 404 for one not stored', async () => {
    const stored = await client.chat.completions.create({ ...chatRequest, store: true });
    const retrieved = await client.chat.completions.retrieve(stored.id);
    expect(retrieved).toEqual(stored);

    const notStored = await client.chat.completions.create(chatRequest);
    await expect(client.chat.completions.retrieve(notStored.id)).rejects.toMatchObject({
      status: 404,
    });
    await expect(client.chat.completions.retrieve('chatcmpl-unknown')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('bills an aborted stream the tokens sent before the abort', async () => {
    const full = await client.chat.completions.create({ ...chatRequest, store: true });
    expect(full.usage?.completion_tokens).toBeGreaterThan(6);
    const controller = new AbortController();
    // Stalls after the role chunk and 3 content chunks until the client leaves.
    const stream = await client.chat.completions.create(
      { ...chatRequest, store: true, stream: true },
      { ...withFault('stall-after=4'), signal: controller.signal },
    );
    let id = '';
    let text = '';
    let contentChunks = 0;
    for await (const chunk of stream) {
      id = chunk.id;
      const content = chunk.choices[0]?.delta.content;
      if (content === undefined || content === '') continue;
      text += content;
      contentChunks += 1;
      if (contentChunks === 3) controller.abort();
    }
    const billed = await pollRetrieve(() => client.chat.completions.retrieve(id));
    expect(billed.choices[0]?.message.content).toBe(text);
    expect(billed.choices[0]?.finish_reason).toBeNull();
    expect(billed.usage?.prompt_tokens).toBe(full.usage?.prompt_tokens);
    expect(billed.usage?.completion_tokens).toBe(3);
  });

  it('bills a stream the server broke off (drop-after) up to the break', async () => {
    // Read raw: fetch's stream (the SDK's) drops the chunks it queued when the connection breaks.
    const read = await postEventStream({
      url: `${server.url}/chat/completions`,
      body: { ...chatRequest, store: true, stream: true },
      headers: { 'x-openai-local-fault': 'drop-after=3' },
    });
    expect(read.complete).toBe(false);
    const chunks = read.events as OpenAI.ChatCompletionChunk[];
    expect(chunks).toHaveLength(3);
    const id = chunks[0]?.id ?? '';
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    const billed = await pollRetrieve(() => client.chat.completions.retrieve(id));
    expect(billed.choices[0]?.message.content).toBe(text);
    expect(billed.usage?.completion_tokens).toBe(2);
  });
});

async function pollRetrieve<T>(retrieve: () => Promise<T>): Promise<T> {
  // The server bills once it has noticed the end of the stream: wait for that, not for time.
  let last: unknown;
  for (let attempt = 0; attempt < 400; attempt += 1) {
    try {
      const result = await retrieve();
      if ((result as { status?: unknown }).status !== 'in_progress') return result;
      last = new Error('still in progress');
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw last;
}

describe('GET /v1/responses/{id}', () => {
  it('answers a completed response exactly as it was sent', async () => {
    const response = await client.responses.create(responsesRequest);
    expect(await client.responses.retrieve(response.id)).toEqual(response);
    const unstored = await client.responses.create({ ...responsesRequest, store: false });
    await expect(client.responses.retrieve(unstored.id)).rejects.toMatchObject({ status: 404 });
  });

  it('answers a stream still being generated as in_progress without usage', async () => {
    const controller = new AbortController();
    const stream = await client.responses.create(
      { ...responsesRequest, stream: true },
      { ...withFault('stall-after=2'), signal: controller.signal },
    );
    const events = stream[Symbol.asyncIterator]();
    const created = await events.next();
    expect(created.value?.type).toBe('response.created');
    const id = created.value?.type === 'response.created' ? created.value.response.id : '';
    expect((await events.next()).value?.type).toBe('response.in_progress');
    // The server now stalls, the stream open: the response is in progress, with no usage yet.
    const during = await client.responses.retrieve(id);
    expect(during.status).toBe('in_progress');
    expect(during.usage).toBeNull();
    controller.abort();
    const after = await pollRetrieve(() => client.responses.retrieve(id));
    expect(after.status).toBe('incomplete');
    expect(after.usage?.output_tokens).toBe(0);
  });

  it('answers an aborted stream as incomplete with the tokens generated before the abort', async () => {
    const full = await client.responses.create(responsesRequest);
    const controller = new AbortController();
    const stream = await client.responses.create(
      { ...responsesRequest, stream: true },
      // created, in_progress, item added, part added, then 2 deltas, then a stall.
      { ...withFault('stall-after=6'), signal: controller.signal },
    );
    let id = '';
    let text = '';
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'response.created') id = event.response.id;
      if (event.type !== 'response.output_text.delta') continue;
      text += event.delta;
      deltas += 1;
      if (deltas === 2) controller.abort();
    }
    const billed = await pollRetrieve(() => client.responses.retrieve(id));
    expect(billed.status).toBe('incomplete');
    expect(billed.output_text).toBe(text);
    expect(billed.usage?.input_tokens).toBe(full.usage?.input_tokens);
    // Two text tokens plus the message's framing token, as in a complete response.
    expect(billed.usage?.output_tokens).toBe(3);
    expect(billed.completed_at).toBeNull();
  });

  it('answers a stream broken off by the server as failed, and survives a restart', async () => {
    const read = await postEventStream({
      url: `${server.url}/responses`,
      body: { ...responsesRequest, stream: true },
      headers: { 'x-openai-local-fault': 'drop-after=5' },
    });
    expect(read.complete).toBe(false);
    const events = read.events as OpenAI.Responses.ResponseStreamEvent[];
    expect(events).toHaveLength(5);
    const created = events.find((event) => event.type === 'response.created');
    const id = created?.type === 'response.created' ? created.response.id : '';
    const billed = await pollRetrieve(() => client.responses.retrieve(id));
    expect(billed.status).toBe('failed');
    expect(billed.error?.code).toBe('server_error');
    // One text token was sent (the 5th event), plus the framing token.
    expect(billed.usage?.output_tokens).toBe(2);

    const restarted = await startOpenAILocal({ dataDir });
    try {
      const again = new OpenAI({ apiKey: 'test', baseURL: restarted.url, maxRetries: 0 });
      expect(await again.responses.retrieve(id)).toEqual(billed);
    } finally {
      await restarted.close();
    }
  });
});
