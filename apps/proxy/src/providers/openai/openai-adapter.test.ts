import { describe, expect, it } from 'vitest';
import { openAIAdapter } from './openai-adapter.js';

const chat = openAIAdapter.routes.find((route) => route.endpoint === 'chat');
if (!chat) throw new Error('the OpenAI adapter has no chat route');

const prepare = (body: Record<string, unknown>, serverKey = false) => {
  const prepared = openAIAdapter.prepareCall({
    route: chat,
    params: {},
    body,
    raw: JSON.stringify(body),
    query: new URLSearchParams(),
    serverKey,
  });
  if (!prepared.success) throw new Error(prepared.error.message);
  return prepared.call;
};

describe('openAIAdapter', () => {
  it('reads the caller key from Authorization: Bearer, and sends the server key the same way', () => {
    const query = new URLSearchParams();
    expect(openAIAdapter.auth.apiKeyOf({ headers: { authorization: 'Bearer sk-a ' }, query })).toBe(
      'sk-a',
    );
    expect(openAIAdapter.auth.apiKeyOf({ headers: {}, query })).toBeUndefined();
    expect(openAIAdapter.auth.serverKeyHeaders('sk-server')).toEqual({
      authorization: 'Bearer sk-server',
    });
  });

  it("writes the proxy's errors in OpenAI's error shape", async () => {
    const response = openAIAdapter.errorResponse({
      status: 429,
      message: 'over quota',
      kind: 'quota',
      code: 'insufficient_quota',
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: {
        message: 'over quota',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    });
  });

  it('asks a chat stream for its usage and keeps the usage chunk from a caller that did not', () => {
    const call = prepare({ model: 'gpt-4o-mini', messages: [], stream: true });
    expect(JSON.parse(call.upstreamBody).stream_options).toEqual({ include_usage: true });
    expect(call.forwards({ choices: [], usage: { total_tokens: 3 } })).toBe(false);
    expect(call.forwards({ choices: [{ delta: { content: 'x' } }] })).toBe(true);
    const asked = prepare({
      model: 'gpt-4o-mini',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(asked.forwards({ choices: [], usage: { total_tokens: 3 } })).toBe(true);
    expect(asked.chunkOf('[DONE]')).toBeUndefined();
    expect(asked.model).toBe('gpt-4o-mini');
  });
});
