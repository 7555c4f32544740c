import { countTokens } from '@llm-meter/meter-core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let server: OpenAILocalServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOpenAILocal();
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

describe('POST /v1/embeddings', () => {
  it('returns deterministic unit vectors of the model size with counted usage', async () => {
    // No encoding_format: the SDK asks for base64 and decodes it.
    const first = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['hello world', 'metering'],
    });
    expect(first.data.map((item) => item.embedding.length)).toEqual([1536, 1536]);
    const norm = Math.hypot(...(first.data[0]?.embedding ?? []));
    expect(norm).toBeCloseTo(1, 5);
    expect(first.usage).toEqual({
      prompt_tokens:
        countTokens({ text: 'hello world', model: 'text-embedding-3-small' }) +
        countTokens({ text: 'metering', model: 'text-embedding-3-small' }),
      total_tokens:
        countTokens({ text: 'hello world', model: 'text-embedding-3-small' }) +
        countTokens({ text: 'metering', model: 'text-embedding-3-small' }),
    });
    const float = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello world',
      encoding_format: 'float',
    });
    expect(float.data[0]?.embedding).toEqual(first.data[0]?.embedding);
  });

  it('honours dimensions and counts token-array inputs by their length', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: [
        [1, 2, 3],
        [4, 5],
      ],
      dimensions: 256,
    });
    expect(result.data.map((item) => item.embedding.length)).toEqual([256, 256]);
    expect(result.usage.prompt_tokens).toBe(5);
  });

  it('answers 400 for bad fields and 404 for chat models', async () => {
    await expect(
      client.embeddings.create({ model: 'text-embedding-3-small', input: '' }),
    ).rejects.toMatchObject({ status: 400, param: 'input' });
    await expect(
      client.embeddings.create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 10 }),
    ).rejects.toMatchObject({ status: 400, param: 'dimensions' });
    await expect(client.embeddings.create({ model: 'gpt-4o', input: 'x' })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });
});

describe('GET /v1/models', () => {
  it('lists the known models and answers one by id', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'gpt-4o',
        'gpt-4o-mini-2024-07-18',
        'o4-mini',
        'text-embedding-3-small',
      ]),
    );
    expect(await client.models.retrieve('gpt-4.1')).toMatchObject({
      id: 'gpt-4.1',
      object: 'model',
    });
    await expect(client.models.retrieve('nope')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });
});
