import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSameKey } from './is-same-key.js';
import type { OpenAILocalServer } from './openai-local-options.js';
import { startOpenAILocal } from './start-openai-local.js';

let server: OpenAILocalServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOpenAILocal({ apiKey: 'sk-test-right-key', bodyLimitBytes: 64 * 1024 });
  client = new OpenAI({ apiKey: 'sk-test-right-key', baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

// A raw request, for what the SDK never sends (bad paths, chunked bodies without a length).
function send({
  path,
  method = 'GET',
  body,
  headers = {},
}: {
  path: string;
  method?: string;
  body?: string | undefined;
  headers?: Record<string, string>;
}): Promise<{ status: number; json: unknown; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
            headers: response.headers,
          }),
        );
      },
    );
    request.on('error', reject);
    if (body !== undefined) {
      // Two writes without content-length: chunked transfer encoding.
      request.write(body.slice(0, body.length / 2));
      request.write(body.slice(body.length / 2));
    }
    request.end();
  });
}

const auth = { authorization: 'Bearer sk-test-right-key' };

describe('openai-local HTTP behaviour', () => {
  it('compares keys in constant time on their digests, whatever their lengths', () => {
    expect(isSameKey({ given: 'abc', expected: 'abc' })).toBe(true);
    expect(isSameKey({ given: 'abc', expected: 'abd' })).toBe(false);
    expect(isSameKey({ given: 'abc', expected: 'abcdef' })).toBe(false);
    expect(isSameKey({ given: '', expected: 'abc' })).toBe(false);
  });

  it('refuses a body over the limit with OpenAI’s error shape, with or without a length', async () => {
    const huge = 'x'.repeat(70 * 1024);
    await expect(
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: huge }],
      }),
    ).rejects.toMatchObject({
      status: 413,
      code: 'request_too_large',
      type: 'invalid_request_error',
    });
    const chunked = await send({
      path: '/v1/chat/completions',
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: huge }] }),
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(chunked.status).toBe(413);
    expect(chunked.json).toMatchObject({ error: { code: 'request_too_large', param: null } });
    // A body under the limit still works after the refusals.
    await expect(
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'small' }],
      }),
    ).resolves.toHaveProperty('id');
  });

  it.each(['/v1/models/%E0%A4%A', '/v1/responses/%ZZ', '/v1/chat/completions/%'])(
    'answers 400, not 500, for bad percent-encoding in %s',
    async (path) => {
      const answer = await send({ path, headers: auth });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        error: {
          type: 'invalid_request_error',
          message: expect.stringContaining('percent-encoding'),
        },
      });
    },
  );

  it('answers 404 Invalid URL for unknown paths, and decodes well-formed ones', async () => {
    const unknown = await send({ path: '/v1/nothing-here', headers: auth });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({
      error: { message: 'Invalid URL (GET /v1/nothing-here)' },
    });
    const encoded = await send({ path: '/v1/models/gpt-4o%2Dmini', headers: auth });
    expect(encoded.status).toBe(200);
    expect(encoded.json).toMatchObject({ id: 'gpt-4o-mini' });
    const trailingSlash = await send({ path: '/v1/models/', headers: auth });
    expect(trailingSlash.json).toMatchObject({ object: 'list' });
  });

  it('checks the key before anything else, and sends request ids on errors', async () => {
    const noKey = await send({ path: '/v1/models' });
    expect(noKey.status).toBe(401);
    expect(noKey.json).toMatchObject({ error: { code: 'invalid_api_key' } });
    expect(noKey.headers['x-request-id']).toMatch(/^req_/);
    const wrong = new OpenAI({ apiKey: 'sk-test-wrong-key', baseURL: server.url, maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('answers 400 for a body that is not a JSON object', async () => {
    const answer = await send({
      path: '/v1/chat/completions',
      method: 'POST',
      body: '[1, 2]',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
