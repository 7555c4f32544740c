import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';

// Upstream is down: port 1 (tcpmux), which nothing listens on. A free port found by a probe
// could be taken by another test's server before the proxy connects, on a busy machine; port 1
// is never handed out by `listen(0)` (ephemeral ports start far above it) and no test binds it.
let stack: ProxyStack;
beforeAll(async () => {
  const down = 'http://127.0.0.1:1';
  stack = await startProxyStack({
    upstreamBaseUrl: `${down}/v1`,
    upstreams: { anthropic: { baseUrl: down }, google: { baseUrl: down } },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('upstream unreachable', () => {
  it('answers 502 in OpenAI error form, blocking and streaming, and bills nothing', async () => {
    const client = stack.sdk('customer-unreachable');
    for (const stream of [false, true]) {
      const error = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
      expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_unreachable');
      expect((error as Error).message).toMatch(/could not reach the upstream API/);
    }
    // The request never reached upstream: the stream's journaled prompt estimate is dropped.
    expect(await stack.listEvents('customer-unreachable')).toEqual([]);
    expect(stack.outbox.stats().pending).toBe(0);
  });

  it("answers 502 in Anthropic's error form, read by its SDK as an InternalServerError", async () => {
    const client = new Anthropic({
      apiKey: 'sk-ant-caller',
      baseURL: stack.proxyOrigin,
      maxRetries: 0,
      defaultHeaders: { 'OpenMeter-Subject': 'customer-unreachable-anthropic' },
    });
    for (const stream of [false, true]) {
      const error = await client.messages
        .create({
          model: 'claude-sonnet-4-5',
          max_tokens: 50,
          messages: [{ role: 'user', content: 'hi' }],
          stream,
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.InternalServerError);
      expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
      expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: 'error',
        error: { type: 'api_error' },
      });
      expect((error as Error).message).toMatch(/could not reach the upstream API/);
    }
    expect(await stack.listEvents('customer-unreachable-anthropic')).toEqual([]);
  });

  it("answers 502 in Gemini's error form, read by its SDK as an ApiError", async () => {
    const client = new GoogleGenAI({
      apiKey: 'gemini-caller',
      httpOptions: {
        baseUrl: stack.proxyOrigin,
        headers: { 'OpenMeter-Subject': 'customer-unreachable-gemini' },
      },
    });
    const error = await client.models
      .generateContent({ model: 'gemini-2.0-flash', contents: 'hi' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect((error as ApiError).message).toMatch(/UNAVAILABLE/);
    expect((error as ApiError).message).toMatch(/could not reach the upstream API/);
    expect(await stack.listEvents('customer-unreachable-gemini')).toEqual([]);
  });
});
