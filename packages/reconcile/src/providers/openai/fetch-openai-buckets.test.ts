import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import costsPage from './__fixtures__/costs-page.json' with { type: 'json' };
import usagePage from './__fixtures__/usage-completions-page.json' with { type: 'json' };
import { fetchOpenAIBuckets, OpenAIAdminError } from './fetch-openai-buckets.js';

// A real HTTP server on 127.0.0.1 answering with OpenAI's documented pages, recording requests.
let server: Server | undefined;
async function serve(
  answer: (request: IncomingMessage, url: URL) => { status: number; body: unknown },
): Promise<{ baseUrl: string; requests: Array<{ url: URL; authorization?: string }> }> {
  const requests: Array<{ url: URL; authorization?: string }> = [];
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push({ url, authorization: request.headers.authorization });
    const { status, body } = answer(request, url);
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests };
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('fetchOpenAIBuckets', () => {
  it('follows next_page until has_more is false, with the admin key and repeated group_by', async () => {
    const { baseUrl, requests } = await serve((_request, url) =>
      url.searchParams.get('page') === usagePage.next_page
        ? { status: 200, body: { ...costsPage, data: [] } }
        : { status: 200, body: usagePage },
    );
    const buckets = await fetchOpenAIBuckets({
      baseUrl,
      adminKey: 'sk-admin-test',
      path: '/organization/usage/completions',
      startTime: 1730419200,
      endTime: 1730592000,
      groupBy: ['model', 'service_tier', 'batch'],
    });
    expect(buckets).toEqual(usagePage.data);
    expect(requests).toHaveLength(2);
    const [first, second] = requests;
    expect(first?.url.pathname).toBe('/v1/organization/usage/completions');
    expect(first?.authorization).toBe('Bearer sk-admin-test');
    expect(Object.fromEntries(first?.url.searchParams ?? [])).toMatchObject({
      start_time: '1730419200',
      end_time: '1730592000',
      bucket_width: '1d',
    });
    expect(first?.url.searchParams.getAll('group_by')).toEqual(['model', 'service_tier', 'batch']);
    expect(first?.url.searchParams.has('page')).toBe(false);
    expect(second?.url.searchParams.get('page')).toBe(usagePage.next_page);
  });

  it('says an admin key is needed when OpenAI answers 401, without printing the key', async () => {
    const { baseUrl } = await serve(() => ({
      status: 401,
      body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
    }));
    const attempt = fetchOpenAIBuckets({
      baseUrl,
      adminKey: 'sk-proj-secret',
      path: '/organization/costs',
      startTime: 0,
      endTime: 86_400,
      groupBy: [],
    });
    await expect(attempt).rejects.toBeInstanceOf(OpenAIAdminError);
    await expect(attempt).rejects.toThrow(/status code 401 .*admin key in OPENAI_ADMIN_KEY/);
    await expect(attempt).rejects.not.toThrow(/sk-proj-secret/);
  });

  it('refuses a next_page that repeats instead of looping forever', async () => {
    const { baseUrl } = await serve(() => ({ status: 200, body: usagePage }));
    await expect(
      fetchOpenAIBuckets({
        baseUrl,
        adminKey: 'sk-admin-test',
        path: '/organization/usage/completions',
        startTime: 0,
        endTime: 86_400,
        groupBy: [],
      }),
    ).rejects.toThrow(/next_page .* repeats/);
  });

  it('refuses an answer that is not a page of buckets', async () => {
    const { baseUrl } = await serve(() => ({ status: 200, body: { object: 'list', data: {} } }));
    await expect(
      fetchOpenAIBuckets({
        baseUrl,
        adminKey: 'k',
        path: '/organization/costs',
        startTime: 0,
        endTime: 1,
        groupBy: [],
      }),
    ).rejects.toThrow(/not a page of buckets/);
  });
});
