import { countChatPromptTokens, countTokens, getTokenizer } from '@llm-meter/meter-core';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let server: OpenAILocalServer;
let client: OpenAI;
const logged: Array<Record<string, unknown> | undefined> = [];

beforeAll(async () => {
  server = await startOpenAILocal({
    seed: 7,
    // A fixed clock: `created` is checked exactly, never against the wall clock.
    now: () => new Date('2026-12-02T12:00:00.000Z'),
    logger: { info: (_message, fields) => logged.push(fields), warn: () => {} },
  });
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

const request: ChatCompletionCreateParamsNonStreaming = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say something about metering.' },
  ],
};

describe('POST /v1/chat/completions', () => {
  it('answers a blocking request with usage counted by meter-core', async () => {
    const { data: completion, request_id } = await client.chat.completions
      .create(request)
      .withResponse();
    expect(request_id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini-2024-07-18');
    expect(completion.created).toBe(Date.parse('2026-12-02T12:00:00.000Z') / 1000);
    const content = completion.choices[0]?.message.content ?? '';
    expect(content.length).toBeGreaterThan(0);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({
      prompt_tokens: countChatPromptTokens(request).tokens,
      completion_tokens: countTokens({ text: content, model: 'gpt-4o-mini' }),
      total_tokens:
        countChatPromptTokens(request).tokens +
        countTokens({ text: content, model: 'gpt-4o-mini' }),
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('gives the same text for the same request but a new id each time', async () => {
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(second.id).not.toBe(first.id);
    const other = await client.chat.completions.create({
      ...request,
      messages: [{ role: 'user', content: 'Something else.' }],
    });
    expect(other.choices[0]?.message.content).not.toBe(first.choices[0]?.message.content);
  });

  it('streams one token per chunk that joins to the blocking text, then the usage chunk', async () => {
    const blocking = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const [first, ...rest] = chunks;
    expect(first?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const usageChunk = rest.pop();
    const finishChunk = rest.pop();
    expect(finishChunk?.choices[0]).toEqual({
      index: 0,
      delta: {},
      logprobs: null,
      finish_reason: 'stop',
    });
    expect(usageChunk?.choices).toEqual([]);
    const text = rest.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(blocking.choices[0]?.message.content);
    const tokenizer = getTokenizer('o200k_base');
    for (const chunk of rest)
      expect(tokenizer.encode(chunk.choices[0]?.delta.content ?? '')).toHaveLength(1);
    expect(rest.every((chunk) => chunk.usage === null && chunk.id === first?.id)).toBe(true);
    expect(usageChunk?.usage).toEqual(blocking.usage);
    expect(usageChunk?.usage?.completion_tokens).toBe(rest.length);
  });

  it('sends no usage field without include_usage', async () => {
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => !('usage' in chunk) && chunk.choices.length === 1)).toBe(true);
  });

  it('cuts the text at exactly max_completion_tokens with finish_reason length', async () => {
    const full = await client.chat.completions.create(request);
    const cut = await client.chat.completions.create({ ...request, max_completion_tokens: 5 });
    expect(cut.choices[0]?.finish_reason).toBe('length');
    expect(cut.usage?.completion_tokens).toBe(5);
    expect(countTokens({ text: cut.choices[0]?.message.content ?? '', model: 'gpt-4o-mini' })).toBe(
      5,
    );
    expect(
      full.choices[0]?.message.content?.startsWith(cut.choices[0]?.message.content ?? ''),
    ).toBe(true);
    const legacy = await client.chat.completions.create({
      ...request,
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let completionTokens: number | undefined;
    for await (const chunk of legacy) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    }
    expect({
      finish,
      completionTokens,
      tokens: countTokens({ text, model: 'gpt-4o-mini' }),
    }).toEqual({
      finish: 'length',
      completionTokens: 3,
      tokens: 3,
    });
  });

  it('answers n choices, streamed interleaved, with summed usage', async () => {
    const blocking = await client.chat.completions.create({ ...request, n: 3 });
    expect(blocking.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    const texts = blocking.choices.map((choice) => choice.message.content ?? '');
    expect(blocking.usage?.completion_tokens).toBe(
      texts.reduce((sum, text) => sum + countTokens({ text, model: 'gpt-4o-mini' }), 0),
    );
    const stream = await client.chat.completions.create({ ...request, n: 3, stream: true });
    const streamed = ['', '', ''];
    for await (const chunk of stream)
      for (const choice of chunk.choices) streamed[choice.index] += choice.delta.content ?? '';
    expect(streamed).toEqual(texts);
  });

  it('calls the named or required tool with JSON arguments for its schema', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: {
              city: { type: 'string' },
              unit: { type: 'string', enum: ['c', 'f'] },
              days: { type: 'integer', minimum: 1, maximum: 7 },
            },
            required: ['city', 'unit', 'days'],
            additionalProperties: false,
          },
        },
      },
    ];
    const completion = await client.chat.completions.create({
      ...request,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(call?.id).toMatch(/^call_/);
    if (call?.type !== 'function') throw new Error('expected a function call');
    const args = JSON.parse(call.function.arguments);
    expect(Object.keys(args).sort()).toEqual(['city', 'days', 'unit']);
    expect(['c', 'f']).toContain(args.unit);
    expect(args.days).toBeGreaterThanOrEqual(1);
    expect(completion.usage?.completion_tokens).toBe(
      // OpenAI bills the recipient `functions.get_weather`, the arguments and 6 framing tokens.
      countTokens({ text: call.function.arguments, model: 'gpt-4o-mini' }) +
        countTokens({ text: 'functions.get_weather', model: 'gpt-4o-mini' }) +
        6,
    );

    const stream = await client.chat.completions.create({
      ...request,
      tools,
      tool_choice: 'required',
      stream: true,
    });
    let streamedArguments = '';
    for await (const chunk of stream)
      streamedArguments += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    expect(JSON.parse(streamedArguments)).toHaveProperty('city');
  });

  it('answers valid JSON for json_object and json_schema', async () => {
    const jsonObject = await client.chat.completions.create({
      ...request,
      messages: [{ role: 'user', content: 'Reply in JSON.' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(jsonObject.choices[0]?.message.content ?? '')).toBeTypeOf('object');
    const schema = await client.chat.completions.create({
      ...request,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              age: { type: 'integer' },
              tags: { type: 'array', items: { type: 'string' } },
            },
            required: ['name', 'age', 'tags'],
          },
        },
      },
    });
    const value = JSON.parse(schema.choices[0]?.message.content ?? '');
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
    expect(Array.isArray(value.tags)).toBe(true);
  });

  it('reports hidden reasoning tokens for reasoning models', async () => {
    const completion = await client.chat.completions.create({ ...request, model: 'o4-mini' });
    const reasoning = completion.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoning).toBeGreaterThan(0);
    expect(reasoning % 64).toBe(0);
    expect(completion.usage?.completion_tokens).toBe(
      reasoning +
        countTokens({ text: completion.choices[0]?.message.content ?? '', model: 'o4-mini' }),
    );
  });

  it('reports cached tokens for a long prefix seen before', async () => {
    const longText = 'The meter counts every token exactly once. '.repeat(200);
    const messages = [
      { role: 'system' as const, content: longText },
      { role: 'user' as const, content: 'First question?' },
    ];
    const first = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
    expect(first.usage?.prompt_tokens).toBeGreaterThan(1024);
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const second = await client.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [...messages, { role: 'user', content: 'Another one?' }],
    });
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect((cached - 1024) % 128).toBe(0);
    expect(cached).toBeLessThanOrEqual(second.usage?.prompt_tokens ?? 0);
  });

  it('forgets the least recently used prefixes beyond promptCacheSize', async () => {
    // One prefix only: a prompt keeps its shortest (1,024-token) prefix, the next one evicts it.
    const bounded = await startOpenAILocal({ promptCacheSize: 1 });
    try {
      const boundedClient = new OpenAI({ apiKey: 'test', baseURL: bounded.url, maxRetries: 0 });
      const ask = async (sentence: string) => {
        const completion = await boundedClient.chat.completions.create({
          model: 'gpt-4.1-mini',
          messages: [{ role: 'user', content: sentence.repeat(400) }],
        });
        expect(completion.usage?.prompt_tokens).toBeGreaterThan(1280);
        return completion.usage?.prompt_tokens_details?.cached_tokens;
      };
      expect(await ask('The meter counts every token. ')).toBe(0);
      expect(await ask('The meter counts every token. ')).toBe(1024);
      expect(await ask('Another prompt entirely. ')).toBe(0);
      expect(await ask('The meter counts every token. ')).toBe(0);
    } finally {
      await bounded.close();
    }
  });

  it('paces the stream at tokensPerSecond', async () => {
    const paced = await startOpenAILocal({ tokensPerSecond: 100 });
    try {
      const pacedClient = new OpenAI({ apiKey: 'test', baseURL: paced.url, maxRetries: 0 });
      const startedAt = Date.now();
      const stream = await pacedClient.chat.completions.create({
        ...request,
        max_completion_tokens: 10,
        stream: true,
      });
      let tokens = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) tokens += 1;
      expect(tokens).toBe(10);
      // 10 tokens at 100 per second: about 100 ms.
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(90);
    } finally {
      await paced.close();
    }
  });

  it('stops generating when the client aborts or breaks out of the stream', async () => {
    const paced = await startOpenAILocal({
      tokensPerSecond: 20,
      logger: { info: (_message, fields) => logged.push(fields), warn: () => {} },
    });
    try {
      const pacedClient = new OpenAI({ apiKey: 'test', baseURL: paced.url, maxRetries: 0 });
      const controller = new AbortController();
      const stream = await pacedClient.chat.completions.create(
        { ...request, stream: true },
        { signal: controller.signal },
      );
      let received = 0;
      // The SDK ends the iteration quietly once its signal aborts.
      for await (const _chunk of stream) {
        received += 1;
        if (received === 2) controller.abort();
      }
      // The SDK still yields chunks that had already arrived with the one that aborted (on a
      // loaded machine two can come in one read); then the iteration ends.
      expect(received).toBeGreaterThanOrEqual(2);
      const broken = await pacedClient.chat.completions.create({ ...request, stream: true });
      for await (const _chunk of broken) break;
      await expect
        .poll(() => logged.filter((fields) => fields?.event === 'stream-aborted').length)
        .toBeGreaterThanOrEqual(2);
    } finally {
      await paced.close();
    }
  });

  it('answers OpenAI errors naming the field', async () => {
    await expect(
      client.chat.completions.create({ ...request, messages: [] }),
    ).rejects.toMatchObject({ status: 400, param: 'messages' });
    await expect(client.chat.completions.create({ ...request, n: 0 })).rejects.toMatchObject({
      status: 400,
      param: 'n',
    });
    await expect(
      client.chat.completions.create({ ...request, model: 'gpt-nonexistent' }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(
      client.chat.completions.create({ ...request, tool_choice: 'required' }),
    ).rejects.toMatchObject({ status: 400, param: 'tool_choice' });
    await expect(
      client.chat.completions.create({ ...request, response_format: { type: 'json_object' } }),
    ).rejects.toMatchObject({ status: 400, param: 'messages' });
    await expect(
      client.chat.completions.create({ ...request, model: 'o3', max_tokens: 10 }),
    ).rejects.toMatchObject({ status: 400, param: 'max_tokens', code: 'unsupported_parameter' });
    const wrongKey = await startOpenAILocal({ apiKey: 'right' });
    try {
      const other = new OpenAI({ apiKey: 'wrong', baseURL: wrongKey.url, maxRetries: 0 });
      await expect(other.chat.completions.create(request)).rejects.toMatchObject({
        status: 401,
        code: 'invalid_api_key',
      });
    } finally {
      await wrongKey.close();
    }
  });
});

describe('models openai-local does not serve', () => {
  // Names meter-core can tokenize (a family it knows) but OpenAI has no model of: OpenAI answers
  // 404 model_not_found, so openai-local does too instead of billing them.
  it.each([
    { model: 'gpt-4o-mini-2099-01-01', endpoint: '/chat/completions' },
    { model: 'gpt-5.9', endpoint: '/chat/completions' },
    { model: 'ft:gpt-4o-mini-2024-07-18:my-org::abc123', endpoint: '/chat/completions' },
    { model: 'gpt-4-imaginary', endpoint: '/responses' },
    { model: 'text-embedding-3-huge', endpoint: '/embeddings' },
  ])(
    "answers $model on $endpoint with OpenAI's 404 model_not_found body",
    async ({ model, endpoint }) => {
      const body =
        endpoint === '/embeddings'
          ? { model, input: 'Hello' }
          : endpoint === '/responses'
            ? { model, input: 'Hello' }
            : { model, messages: [{ role: 'user', content: 'Hello' }] };
      const response = await fetch(`${server.url}${endpoint}`, {
        method: 'POST',
        headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: {
          message: `The model \`${model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      });
    },
  );

  it('answers names given in the models option, and lists them', async () => {
    const custom = await startOpenAILocal({
      models: ['llama3.2', 'ft:gpt-4o-mini-2024-07-18:my-org::abc123'],
    });
    try {
      const customClient = new OpenAI({ apiKey: 'test', baseURL: custom.url, maxRetries: 0 });
      for (const model of ['llama3.2', 'ft:gpt-4o-mini-2024-07-18:my-org::abc123']) {
        const completion = await customClient.chat.completions.create({ ...request, model });
        expect(completion.model).toBe(model);
        expect(completion.usage?.prompt_tokens).toBe(
          countChatPromptTokens({ ...request, model }, { encoding: 'o200k_base' }).tokens,
        );
      }
      const listed = await customClient.models.list();
      expect(listed.data.map((entry) => entry.id)).toEqual(
        expect.arrayContaining(['gpt-4o-mini', 'llama3.2']),
      );
      await expect(customClient.models.retrieve('llama3.2')).resolves.toMatchObject({
        id: 'llama3.2',
        owned_by: 'user',
      });
      await expect(
        customClient.chat.completions.create({ ...request, model: 'mistral' }),
      ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    } finally {
      await custom.close();
    }
  });
});
