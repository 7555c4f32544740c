import { countChatPromptTokens, countTokens, getTokenizer } from '@llm-meter/meter-core';
import { convertResponsesRequest } from '@llm-meter/meter-core/internal';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let server: OpenAILocalServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOpenAILocal({ seed: 11 });
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

const request = {
  model: 'gpt-4.1',
  instructions: 'Be brief.',
  input: 'Tell me about metering.',
} as const;

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('POST /v1/responses', () => {
  it('answers a blocking request with usage counted like meter-core estimates it', async () => {
    const { data: response, request_id } = await client.responses.create(request).withResponse();
    expect(request_id).toMatch(/^req_/);
    expect(response.id).toMatch(/^resp_[0-9a-f]{50}$/);
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4.1-2025-04-14',
      instructions: 'Be brief.',
    });
    const message = response.output[0];
    if (message?.type !== 'message') throw new Error('expected a message item');
    expect(message.id).toMatch(/^msg_/);
    const inputTokens = countChatPromptTokens(convertResponsesRequest(request)).tokens;
    // OpenAI bills one token per output message on top of its text.
    const outputTokens = countTokens({ text: response.output_text, model: 'gpt-4.1' }) + 1;
    expect(response.usage).toEqual({
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    });
  });

  it('streams the documented event sequence with sequence numbers and one token per delta', async () => {
    const blocking = await client.responses.create({
      ...request,
      input: [{ role: 'user', content: 'Items this time.' }],
    });
    const events = await collect(
      await client.responses.create({
        ...request,
        input: [{ role: 'user', content: 'Items this time.' }],
        stream: true,
      }),
    );
    const types = events.map((event) => event.type);
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...deltas.map(() => 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const text = deltas
      .map((event) => (event.type === 'response.output_text.delta' ? event.delta : ''))
      .join('');
    expect(text).toBe(blocking.output_text);
    for (const event of deltas)
      if (event.type === 'response.output_text.delta')
        expect(getTokenizer('o200k_base').encode(event.delta)).toHaveLength(1);
    const completed = events.at(-1);
    if (completed?.type !== 'response.completed') throw new Error('expected response.completed');
    expect(completed.response.usage).toEqual(blocking.usage);
    expect(completed.response.usage?.output_tokens).toBe(deltas.length + 1);
  });

  it('ends with response.incomplete when cut by max_output_tokens', async () => {
    const events = await collect(
      await client.responses.create({
        ...request,
        max_output_tokens: 16,
        input: 'x'.repeat(3),
        stream: true,
      }),
    );
    const last = events.at(-1);
    // Some answers fit in 16 tokens; this request's does not (deterministic).
    if (last?.type !== 'response.incomplete')
      throw new Error(`expected response.incomplete, got ${last?.type}`);
    expect(last.response.status).toBe('incomplete');
    expect(last.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(last.response.usage?.output_tokens).toBe(16);
    const blocking = await client.responses.create({
      ...request,
      max_output_tokens: 16,
      input: 'x'.repeat(3),
    });
    expect(blocking.status).toBe('incomplete');
    expect(countTokens({ text: blocking.output_text, model: 'gpt-4.1' })).toBe(15);
  });

  it('adds a reasoning item and reasoning tokens for reasoning models', async () => {
    const response = await client.responses.create({ model: 'gpt-5-mini', input: 'Think first.' });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const reasoning = response.usage?.output_tokens_details.reasoning_tokens ?? 0;
    expect(reasoning).toBeGreaterThan(0);
    expect(response.usage?.output_tokens).toBe(
      reasoning + countTokens({ text: response.output_text, model: 'gpt-5-mini' }) + 1,
    );
  });

  it('calls a required function tool, streamed as argument deltas', async () => {
    const tools = [
      {
        type: 'function' as const,
        name: 'lookup',
        strict: true,
        parameters: {
          type: 'object',
          properties: { query: { type: 'string' } },
          required: ['query'],
          additionalProperties: false,
        },
      },
    ];
    const response = await client.responses.create({ ...request, tools, tool_choice: 'required' });
    const call = response.output[0];
    if (call?.type !== 'function_call') throw new Error('expected a function_call item');
    expect(call.call_id).toMatch(/^call_/);
    expect(JSON.parse(call.arguments)).toHaveProperty('query');
    expect(response.usage?.output_tokens).toBe(
      // The recipient `functions.lookup`, the arguments, 6 framing tokens and 1 per message.
      countTokens({ text: call.arguments, model: 'gpt-4.1' }) +
        countTokens({ text: 'functions.lookup', model: 'gpt-4.1' }) +
        6 +
        1,
    );
    const events = await collect(
      await client.responses.create({
        ...request,
        tools,
        tool_choice: { type: 'function', name: 'lookup' },
        stream: true,
      }),
    );
    const done = events.find((event) => event.type === 'response.function_call_arguments.done');
    if (done?.type !== 'response.function_call_arguments.done')
      throw new Error('expected arguments.done');
    expect(JSON.parse(done.arguments)).toHaveProperty('query');
  });

  it('answers JSON for text.format json_schema', async () => {
    const response = await client.responses.create({
      ...request,
      text: {
        format: {
          type: 'json_schema',
          name: 'answer',
          schema: {
            type: 'object',
            properties: { ok: { type: 'boolean' } },
            required: ['ok'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(typeof JSON.parse(response.output_text).ok).toBe('boolean');
  });

  it('stops generating when the client aborts or breaks out of the stream', async () => {
    const logged: Array<Record<string, unknown> | undefined> = [];
    const paced = await startOpenAILocal({
      tokensPerSecond: 20,
      logger: { info: (_message, fields) => logged.push(fields), warn: () => {} },
    });
    try {
      const pacedClient = new OpenAI({ apiKey: 'test', baseURL: paced.url, maxRetries: 0 });
      const controller = new AbortController();
      const stream = await pacedClient.responses.create(
        { ...request, stream: true },
        { signal: controller.signal },
      );
      const received: string[] = [];
      let responseId = '';
      // The SDK ends the iteration quietly once its signal aborts.
      for await (const event of stream) {
        received.push(event.type);
        if (event.type === 'response.created') responseId = event.response.id;
        if (event.type === 'response.output_text.delta') controller.abort();
      }
      expect(received.at(-1)).toBe('response.output_text.delta');
      const aborted = () =>
        logged.filter((fields) => fields?.event === 'request' && fields.aborted === true).length;
      await expect
        .poll(() => logged.filter((fields) => fields?.event === 'stream-aborted').length)
        .toBe(1);
      await expect.poll(aborted).toBe(1);

      const broken = await pacedClient.responses.create({ ...request, stream: true });
      let brokenId = '';
      for await (const event of broken) {
        if (event.type === 'response.created') brokenId = event.response.id;
        break;
      }
      await expect
        .poll(() => logged.filter((fields) => fields?.event === 'stream-aborted').length)
        .toBe(2);
      await expect.poll(aborted).toBe(2);
      // Generation stopped: what was billed is far less than the whole answer (counted in
      // tokens, not milliseconds, so machine load cannot change the outcome).
      const blocking = await pacedClient.responses.create(request);
      const full = blocking.usage?.output_tokens ?? 0;
      expect(full).toBeGreaterThan(10);
      for (const id of [responseId, brokenId]) {
        const billed = await pacedClient.responses.retrieve(id);
        expect(billed.status).toBe('incomplete');
        expect(billed.usage?.output_tokens).toBeLessThan(full / 2);
      }
    } finally {
      await paced.close();
    }
  });

  it('answers 400 naming the field for malformed requests', async () => {
    await expect(client.responses.create({ model: 'gpt-4o' } as never)).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
    await expect(
      client.responses.create({ ...request, max_output_tokens: 5 }),
    ).rejects.toMatchObject({ status: 400, param: 'max_output_tokens' });
    await expect(
      client.responses.create({ ...request, model: 'text-embedding-3-small' }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});
