import { describe, expect, it } from 'vitest';
import { geminiAdapter } from './gemini-adapter.js';

describe('geminiAdapter', () => {
  it('reads the caller key from x-goog-api-key or ?key=, and drops ?key= with the server key', () => {
    const { auth } = geminiAdapter;
    expect(
      auth.apiKeyOf({ headers: { 'x-goog-api-key': 'g-1' }, query: new URLSearchParams() }),
    ).toBe('g-1');
    expect(auth.apiKeyOf({ headers: {}, query: new URLSearchParams('key=g-2&alt=sse') })).toBe(
      'g-2',
    );
    expect(auth.apiKeyOf({ headers: {}, query: new URLSearchParams() })).toBeUndefined();
    expect(auth.scopedQuery).toEqual(['key']);
    expect(auth.serverKeyHeaders('g-server')).toEqual({ 'x-goog-api-key': 'g-server' });
  });

  it("writes the proxy's errors in Gemini's error shape", async () => {
    const response = geminiAdapter.errorResponse({
      status: 429,
      message: 'over quota',
      kind: 'quota',
      code: 'insufficient_quota',
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: { code: 429, message: 'over quota', status: 'RESOURCE_EXHAUSTED' },
    });
  });

  it('takes the model from the path, and streams SSE only with alt=sse', () => {
    const route = geminiAdapter.routes.find(
      (candidate) =>
        candidate.endpoint === 'streamGenerateContent' && candidate.path.startsWith('/v1beta/'),
    );
    if (!route) throw new Error('no /v1beta stream route');
    const prepare = (query: string) => {
      const prepared = geminiAdapter.prepareCall({
        route,
        params: { call: 'gemini-2.0-flash:streamGenerateContent' },
        body: { contents: [] },
        raw: '{"contents":[]}',
        query: new URLSearchParams(query),
        serverKey: false,
      });
      if (!prepared.success) throw new Error(prepared.error.message);
      return prepared.call;
    };
    const sse = prepare('alt=sse');
    expect(sse).toMatchObject({ model: 'gemini-2.0-flash', streaming: true });
    const framed = sse.createFramer().push(new TextEncoder().encode('data: {"a":1}\n\n'));
    expect(framed.map((event) => event.data)).toEqual(['{"a":1}']);
    const array = prepare('').createFramer().push(new TextEncoder().encode('[{"a":1}\n,{"b":'));
    expect(array.map((event) => event.data)).toEqual(['{"a":1}']);
  });
});
