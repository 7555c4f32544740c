import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused } from './__fixtures__/expect-refused.js';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';
import { defaultServerKeyRoutes, parseAllowedRoutes } from './tenancy/allowed-routes.js';

// With the proxy's own Anthropic and Gemini keys, every customer reaches one Anthropic and one
// Google account: their stored objects (files, batches, cached contents, ...) must stay apart
// as OpenAI's do, and their other paths are deny-by-default.
let stack: ProxyStack;

beforeAll(async () => {
  stack = await startProxyStack({
    upstreamKeys: { anthropic: 'sk-ant-server-key', google: 'gemini-server-key' },
    subjects: {
      header: 'openmeter-subject',
      keySubjects: new Map([
        ['key-alice', 'alice'],
        ['key-bob', 'bob'],
      ]),
      trustRequestUser: false,
    },
    allowedRoutes: parseAllowedRoutes(
      `${defaultServerKeyRoutes}, POST /v1beta/cachedContents, POST /v1/cachedContents`,
    ),
  });
});
afterAll(async () => {
  await stack?.close();
});

/** Runs `call`, expecting it to fail with `status`, and returns what upstream saw meanwhile. */
const refused = (call: () => Promise<unknown>, status: number) =>
  expectRefused({ stack, call, status });

describe('Anthropic callers sharing the proxy key', () => {
  const anthropic = (apiKey: string) =>
    new Anthropic({ apiKey, baseURL: stack.proxyOrigin, maxRetries: 0 });

  it("refuses another customer's files and batches, lists and unlisted paths, in Anthropic's error shape, before upstream", async () => {
    const bob = anthropic('key-bob');
    const fileInMessage = await refused(
      () =>
        bob.messages.create({
          model: 'claude-sonnet-4-5',
          max_tokens: 50,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'document', source: { type: 'file', file_id: 'file_alice' } } as never,
                { type: 'text', text: 'Summarize' },
              ],
            },
          ],
        }),
      404,
    );
    expect(fileInMessage.error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(fileInMessage.error.message).toContain("No file found with id 'file_alice'");
    expect(fileInMessage.upstream).toEqual([]);
    const batch = await refused(() => bob.messages.batches.retrieve('msgbatch_alice'), 404);
    expect(batch.error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(batch.upstream).toEqual([]);
    const results = await refused(() => bob.messages.batches.cancel('msgbatch_alice'), 404);
    expect(results.upstream).toEqual([]);
    const batches = await refused(() => bob.messages.batches.list(), 403);
    expect(batches.error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(batches.error.message).toContain('does not list message batchs');
    expect(batches.upstream).toEqual([]);
    const files = await refused(() => bob.beta.files.list(), 403);
    expect(files.upstream).toEqual([]);
    // Creating a batch spends tokens unmetered: not allowed by default.
    const created = await refused(
      () =>
        bob.messages.batches.create({
          requests: [
            {
              custom_id: 'one',
              params: {
                model: 'claude-sonnet-4-5',
                max_tokens: 10,
                messages: [{ role: 'user', content: 'Hi' }],
              },
            },
          ],
        }),
      403,
    );
    expect(created.error.message).toContain('ANTHROPIC_API_KEY');
    expect(created.error.message).toContain('LLM_METER_PROXY_ALLOWED_PATHS');
    expect(created.upstream).toEqual([]);
  });

  it("passes an allowed route to Anthropic's upstream, not OpenAI's", async () => {
    const before = stack.upstreamRequests.length;
    const counted = await anthropic('key-alice').messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Count me' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(stack.upstreamRequests.slice(before)).toEqual([
      expect.stringContaining('POST /v1/messages/count_tokens'),
    ]);
  });
});

describe('Gemini callers sharing the proxy key', () => {
  const gemini = (apiKey: string, apiVersion?: string) =>
    new GoogleGenAI({
      apiKey,
      httpOptions: { baseUrl: stack.proxyOrigin, ...(apiVersion ? { apiVersion } : {}) },
    });

  it("keeps Alice's cached content from Bob, on its paths and in a body; Alice uses and deletes it", async () => {
    const alice = gemini('key-alice', 'v1beta');
    const bob = gemini('key-bob', 'v1beta');
    const cache = await alice.caches.create({
      model: 'gemini-2.0-flash',
      config: { contents: [{ role: 'user', parts: [{ text: 'A long manual.' }] }] },
    });
    const name = cache.name as string;
    expect(name).toMatch(/^cachedContents\//);
    for (const call of [
      () => bob.caches.get({ name }),
      () => bob.caches.delete({ name }),
      () =>
        bob.models.generateContent({
          model: 'gemini-2.0-flash',
          contents: 'What does the manual say?',
          config: { cachedContent: name },
        }),
    ]) {
      const { error, upstream } = await refused(call, 404);
      expect(error).toBeInstanceOf(ApiError);
      expect(error.message).toContain('No cached content found with id');
      expect(upstream).toEqual([]);
    }
    const listed = await refused(() => bob.caches.list().then((pager) => pager.page), 403);
    expect(listed.upstream).toEqual([]);

    expect((await alice.caches.get({ name })).name).toBe(name);
    const answer = await alice.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'What does the manual say?',
      config: { cachedContent: name },
    });
    expect(answer.text).toBeTruthy();
    await alice.caches.delete({ name });
  });

  it('refuses files, tuned models and unlisted paths; passes the allowed token count', async () => {
    const bob = gemini('key-bob', 'v1beta');
    const file = await refused(() => bob.files.get({ name: 'files/alice' }), 404);
    expect(file.upstream).toEqual([]);
    const inBody = await refused(
      () =>
        bob.models.generateContent({
          model: 'gemini-2.0-flash',
          contents: [
            {
              role: 'user',
              parts: [
                {
                  fileData: {
                    fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/alice',
                    mimeType: 'application/pdf',
                  },
                },
                { text: 'Summarize' },
              ],
            },
          ],
        }),
      404,
    );
    expect(inBody.upstream).toEqual([]);
    // A tuned model's call is a generation the proxy does not meter.
    const before = stack.upstreamRequests.length;
    const tuned = await fetch(
      `${stack.proxyOrigin}/v1beta/tunedModels/alice-model:generateContent`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': 'key-bob' },
        body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }),
      },
    );
    expect(tuned.status).toBe(403);
    expect(((await tuned.json()) as { error: { status: string } }).error.status).toBe(
      'PERMISSION_DENIED',
    );
    const embedded = await refused(
      () => bob.models.embedContent({ model: 'gemini-embedding-001', contents: 'Hi' }),
      403,
    );
    expect(embedded.error.message).toContain('GEMINI_API_KEY');
    expect(stack.upstreamRequests.slice(before)).toEqual([]);
    // On `/v1` (the SDK's default), the Google key tells Gemini's request from OpenAI's.
    const counted = await gemini('key-bob').models.countTokens({
      model: 'gemini-2.0-flash',
      contents: 'Hi',
    });
    expect(counted.totalTokens).toBeGreaterThan(0);
    expect(stack.upstreamRequests.slice(before)).toEqual([
      expect.stringContaining('POST /v1/models/gemini-2.0-flash:countTokens'),
    ]);
  });
});
