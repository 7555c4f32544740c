import { toUsageEvent } from '@llm-meter/meter-core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

// openai-local reports usage the way meter-core estimates it, so a stream that loses its usage
// (the no-usage fault, a dropped connection) is billed the same as one that kept it.
let server: OpenAILocalServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOpenAILocal();
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

const tokenFields = [
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cached_tokens',
  'reasoning_tokens',
] as const;
const pickTokens = (data: Record<string, unknown>) =>
  Object.fromEntries(tokenFields.map((field) => [field, data[field]]));
const weatherParameters = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
};

describe("usage agrees with meter-core's estimate", () => {
  it.each([
    {
      name: 'chat with a name field',
      request: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system' as const, content: 'Be terse.' },
          { role: 'user' as const, content: 'Hi', name: 'bob' },
        ],
      },
    },
    {
      name: 'chat with a forced tool call',
      request: {
        model: 'gpt-4.1',
        messages: [{ role: 'user' as const, content: 'Weather?' }],
        tools: [
          {
            type: 'function' as const,
            function: {
              name: 'get_weather',
              description: 'Weather',
              parameters: weatherParameters,
            },
          },
        ],
        tool_choice: 'required' as const,
      },
    },
    {
      name: 'chat with n = 2',
      request: {
        model: 'gpt-3.5-turbo',
        messages: [{ role: 'user' as const, content: 'Hello' }],
        n: 2,
      },
    },
  ])('$name', async ({ request }) => {
    const completion = await client.chat.completions.create(request);
    const { usage: _usage, ...withoutUsage } = completion;
    const reported = toUsageEvent(completion, { subject: 'customer' }).data;
    const estimated = toUsageEvent(
      withoutUsage as never,
      { subject: 'customer', request } as never,
    ).data;
    expect(pickTokens(estimated)).toEqual(pickTokens(reported));
  });

  it.each([
    {
      name: 'responses with instructions',
      request: { model: 'gpt-4o', instructions: 'Be brief.', input: 'Hello!' },
    },
    {
      name: 'responses with a forced function call',
      request: {
        model: 'gpt-4.1',
        input: [{ role: 'user' as const, content: 'Weather?' }],
        tools: [
          {
            type: 'function' as const,
            name: 'get_weather',
            strict: false,
            parameters: weatherParameters,
          },
        ],
        tool_choice: 'required' as const,
      },
    },
  ])('$name', async ({ request }) => {
    const response = await client.responses.create(request);
    // meter-core's ResponseLike does not accept the SDK's Response type yet (tool_search_call
    // arguments are `unknown` there), hence the cast.
    const reported = toUsageEvent(response as never, { subject: 'customer' }).data;
    const estimated = toUsageEvent(
      { ...response, usage: null } as never,
      { subject: 'customer', request } as never,
    ).data;
    expect(pickTokens(estimated)).toEqual(pickTokens(reported));
  });
});
