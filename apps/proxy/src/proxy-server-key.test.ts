import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';

// With the proxy's own upstream key (OPENAI_API_KEY with a key → subject map), callers present
// their own keys: an unmapped key must not reach upstream on any route.
let stack: ProxyStack;
const upstreamAuthorizations: string[] = [];

beforeAll(async () => {
  stack = await startProxyStack({
    upstreamApiKey: 'sk-server-key',
    subjects: {
      header: 'openmeter-subject',
      keySubjects: new Map([['sk-team-a', 'customer-team-a']]),
      trustRequestUser: false,
    },
    // An interceptor sees every request the proxy sends upstream, its headers as sent.
    dispatcher: new Agent().compose((dispatch: Dispatcher['dispatch']) => (request, handler) => {
      const headers = request.headers as Record<string, string> | undefined;
      upstreamAuthorizations.push(headers?.authorization ?? '');
      return dispatch(request, handler);
    }),
  });
});
afterAll(async () => {
  await stack?.close();
});

const get = (path: string, key: string | undefined) =>
  fetch(`${stack.proxyUrl}${path}`, {
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });

describe('proxy with its own upstream key', () => {
  it('refuses an unmapped or missing key on pass-through paths too, before upstream', async () => {
    for (const key of ['sk-stranger', undefined]) {
      const response = await get('/models', key);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    }
    const chat = await fetch(`${stack.proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-stranger' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(401);
    expect(upstreamAuthorizations).toEqual([]);
  });

  it("forwards a mapped caller with the server's key in place of the caller's", async () => {
    const response = await get('/models', 'sk-team-a');
    expect(response.status).toBe(200);
    expect(upstreamAuthorizations).toEqual(['Bearer sk-server-key']);
  });
});
