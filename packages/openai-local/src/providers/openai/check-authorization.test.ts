import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let server: OpenAILocalServer;

beforeAll(async () => {
  server = await startOpenAILocal({ apiKey: 'the-right-key' });
});
afterAll(() => server.close());

const request = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Hello there.' }],
};

async function rejectWith(apiKey: string): Promise<APIError> {
  const client = new OpenAI({ apiKey, baseURL: server.url, maxRetries: 0 });
  const error = await client.chat.completions.create(request).catch((caught: unknown) => caught);
  if (!(error instanceof APIError)) throw new Error('expected an APIError');
  return error;
}

describe('checkAuthorization', () => {
  it('accepts the configured key', async () => {
    const client = new OpenAI({ apiKey: 'the-right-key', baseURL: server.url, maxRetries: 0 });
    await expect(client.chat.completions.create(request)).resolves.toHaveProperty('id');
  });

  it.each([
    { given: 'wrong', want: 'Incorrect API key provided: ***.' },
    { given: 'sk-test-0123456789a', want: 'Incorrect API key provided: ***.' },
    { given: 'sk-test-0123456789ab', want: 'Incorrect API key provided: sk-***89ab.' },
    {
      given: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789',
      want: 'Incorrect API key provided: sk-***6789.',
    },
  ])('answers 401 for $given without echoing a short key', async ({ given, want }) => {
    const error = await rejectWith(given);
    expect(error).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    });
    expect(error.message).toContain(want);
    if (given.length < 20) {
      // No 3-character piece of a short key appears in the message.
      for (let start = 0; start + 3 <= given.length; start += 1)
        expect(error.message).not.toContain(given.slice(start, start + 3));
    }
  });
});
