import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEventStream } from '../../__fixtures__/post-event-stream.js';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

// Anthropic's recorded exchanges are the ground truth of shapes: every field openai-local sends
// is one Anthropic sent, and its streams follow the recorded event grammar. Read in place.
// Mirascope's recordings have the most streams, pydantic-ai's the newest usage fields.
const recordings = ['Mirascope__mirascope.jsonl', 'pydantic__pydantic-ai.jsonl']
  .map((file) =>
    readFileSync(
      new URL(`../../../../../../shared/fixtures/anthropic/${file}`, import.meta.url),
      'utf8',
    ),
  )
  .join('\n')
  .split('\n')
  .filter((line) => line !== '')
  .map(
    (line) =>
      JSON.parse(line) as {
        endpoint: string;
        stream: boolean;
        response?: Record<string, unknown>;
        sse_events?: Array<Record<string, unknown>>;
      },
  )
  .filter((record) => record.endpoint === 'messages');

const keysOf = (objects: Array<Record<string, unknown> | undefined>) =>
  new Set(objects.flatMap((object) => Object.keys(object ?? {})));
const usageOf = (object: Record<string, unknown> | undefined) =>
  object?.usage as Record<string, unknown> | undefined;
// message_start, then blocks (a ping may come anywhere), then message_delta and message_stop.
const streamGrammar =
  /^message_start( ping)*( content_block_start( ping| content_block_delta)* content_block_stop( ping)*)+ message_delta message_stop$/;

let server: OpenAILocalServer;
let client: Anthropic;
beforeAll(async () => {
  server = await startOpenAILocal();
  client = new Anthropic({ apiKey: 'test', baseURL: server.origin, maxRetries: 0 });
});
afterAll(() => server.close());

describe("openai-local's Anthropic answers have the recorded shapes", () => {
  const body = {
    model: 'claude-sonnet-4-5',
    max_tokens: 3000,
    thinking: { type: 'enabled' as const, budget_tokens: 1024 },
    messages: [{ role: 'user' as const, content: 'Shapes?' }],
  };

  it('blocking: message, usage and content block fields', async () => {
    const blocking = recordings.filter((record) => !record.stream).map((record) => record.response);
    const message = (await client.messages.create(body)) as unknown as Record<string, unknown>;
    const recordedKeys = keysOf(blocking);
    for (const key of Object.keys(message)) expect(recordedKeys).toContain(key);
    const recordedUsage = keysOf(blocking.map(usageOf));
    for (const key of Object.keys(usageOf(message) ?? {})) expect(recordedUsage).toContain(key);
    const recordedBlocks = keysOf(
      blocking.flatMap((response) => (response?.content ?? []) as Array<Record<string, unknown>>),
    );
    for (const block of message.content as Array<Record<string, unknown>>) {
      for (const key of Object.keys(block)) expect(recordedBlocks).toContain(key);
    }
  });

  it('streamed: the recorded event grammar and usage fields per event', async () => {
    const streams = recordings.filter((record) => record.stream);
    const grammatical = streams.filter((record) =>
      streamGrammar.test((record.sse_events ?? []).map((event) => event.type).join(' ')),
    );
    // The grammar describes the recordings, not just openai-local.
    expect(grammatical.length).toBe(streams.length);
    const raw = await postEventStream({
      url: `${server.url}/messages`,
      body: { ...body, stream: true },
      headers: { 'anthropic-version': '2023-06-01' },
    });
    const events = raw.events as Array<Record<string, unknown>>;
    expect(events.map((event) => event.type).join(' ')).toMatch(streamGrammar);
    for (const type of ['message_start', 'message_delta']) {
      const recorded = keysOf(
        streams.flatMap((record) =>
          (record.sse_events ?? [])
            .filter((event) => event.type === type)
            .map((event) =>
              usageOf(
                type === 'message_start' ? (event.message as Record<string, unknown>) : event,
              ),
            ),
        ),
      );
      const sent = events.find((event) => event.type === type);
      const usage = usageOf(
        type === 'message_start' ? (sent?.message as Record<string, unknown>) : sent,
      );
      for (const key of Object.keys(usage ?? {})) expect(recorded).toContain(key);
    }
  });
});
