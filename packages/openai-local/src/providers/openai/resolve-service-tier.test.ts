import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let server: OpenAILocalServer;
let forced: OpenAILocalServer;
let client: OpenAI;
let forcedClient: OpenAI;

beforeAll(async () => {
  server = await startOpenAILocal();
  forced = await startOpenAILocal({ serveTier: 'flex' });
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  forcedClient = new OpenAI({ apiKey: 'test', baseURL: forced.url, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await forced.close();
});

const messages = [{ role: 'user' as const, content: 'Which tier served this?' }];

describe('service_tier as served', () => {
  it.each([
    { requested: undefined, served: 'default' },
    { requested: 'auto', served: 'default' },
    { requested: 'default', served: 'default' },
    { requested: 'flex', served: 'flex' },
    { requested: 'priority', served: 'priority' },
  ] as const)(
    'chat: requested $requested is served as $served, blocking and in every chunk',
    async ({ requested, served }) => {
      const body = { model: 'gpt-5-mini', messages, service_tier: requested };
      const completion = await client.chat.completions.create(body);
      expect(completion.service_tier).toBe(served);
      const stream = await client.chat.completions.create({
        ...body,
        stream: true,
        stream_options: { include_usage: true },
      });
      const tiers = new Set<string | null | undefined>();
      for await (const chunk of stream) tiers.add(chunk.service_tier);
      expect([...tiers]).toEqual([served]);
    },
  );

  it('responses: the served tier is in response.created and response.completed', async () => {
    const response = await client.responses.create({
      model: 'gpt-5-mini',
      input: 'Hi',
      service_tier: 'flex',
    });
    expect(response.service_tier).toBe('flex');
    const stream = await client.responses.create({
      model: 'gpt-5-mini',
      input: 'Hi',
      service_tier: 'priority',
      stream: true,
    });
    const tiers: Array<[string, unknown]> = [];
    for await (const event of stream) {
      if (event.type === 'response.created' || event.type === 'response.completed')
        tiers.push([event.type, event.response.service_tier]);
    }
    expect(tiers).toEqual([
      ['response.created', 'priority'],
      ['response.completed', 'priority'],
    ]);
  });

  it('serves another tier than requested with serveTier or the serve-tier fault', async () => {
    const served = await forcedClient.chat.completions.create({
      model: 'gpt-5-mini',
      messages,
      service_tier: 'priority',
    });
    expect(served.service_tier).toBe('flex');
    const perRequest = await forcedClient.responses.create(
      { model: 'gpt-5-mini', input: 'Hi', service_tier: 'flex' },
      { headers: { 'x-openai-local-fault': 'serve-tier=default' } },
    );
    expect(perRequest.service_tier).toBe('default');
  });

  it('answers 400 naming service_tier for an unknown tier, and for a bad serve-tier fault', async () => {
    await expect(
      client.chat.completions.create({
        model: 'gpt-5-mini',
        messages,
        service_tier: 'cheap' as never,
      }),
    ).rejects.toMatchObject({ status: 400, param: 'service_tier' });
    await expect(
      client.chat.completions.create(
        { model: 'gpt-5-mini', messages },
        { headers: { 'x-openai-local-fault': 'serve-tier=cheap' } },
      ),
    ).rejects.toMatchObject({ status: 400, param: 'x-openai-local-fault' });
  });
});
