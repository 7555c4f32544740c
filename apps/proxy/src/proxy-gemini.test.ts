import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordUpstreamCalls } from './__fixtures__/record-upstream-calls.js';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';
import { sumProxiedTokens } from './__fixtures__/sum-proxied-tokens.js';

// Gemini through the proxy with the official SDK, against openai-local's simulation of it: each
// call metered exactly once, as Gemini billed it.
let stack: ProxyStack;
const model = 'gemini-2.0-flash';
const contents = 'Name three lighthouses.';
const client = (subject: string | undefined, baseUrl = stack.proxyOrigin) =>
  new GoogleGenAI({
    apiKey: 'gemini-caller',
    httpOptions: {
      baseUrl,
      headers: subject === undefined ? {} : { 'OpenMeter-Subject': subject },
    },
  });
let directId: string | undefined;
// Every request the proxy sent upstream, its path and headers as sent.
const upstream = recordUpstreamCalls();

beforeAll(async () => {
  stack = await startProxyStack({ dispatcher: upstream.dispatcher });
});
afterAll(async () => {
  await stack?.close();
});

describe('Gemini through the proxy', () => {
  it('meters a blocking generateContent once, under its responseId, with its usageMetadata', async () => {
    const direct = await client(undefined, stack.openai.origin).models.generateContent({
      model,
      contents,
    });
    directId = direct.responseId;
    const answer = await client('acme-gemini').models.generateContent({ model, contents });
    expect(answer.usageMetadata?.promptTokenCount).toBe(direct.usageMetadata?.promptTokenCount);
    const events = await stack.listEvents('acme-gemini');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: answer.responseId,
      data: {
        usage_source: 'provider',
        prompt_tokens: answer.usageMetadata?.promptTokenCount,
        completion_tokens: answer.usageMetadata?.candidatesTokenCount,
        endpoint: 'generateContent',
      },
    });
    // The SDK's key reached upstream as it sent it; the subject header did not.
    const sent = upstream.calls.at(-1);
    expect(sent?.path).toMatch(/\/models\/gemini-2\.0-flash:generateContent$/);
    expect(sent?.headers['x-goog-api-key']).toBe('gemini-caller');
    expect(sent?.headers['openmeter-subject']).toBeUndefined();
  });

  it('meters a stream once from its last chunk, relaying every chunk', async () => {
    const chunks = [];
    for await (const chunk of await client('acme-gemini-stream').models.generateContentStream({
      model,
      contents: 'Write a long essay about lighthouses.',
    }))
      chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    // @google/genai streams server-sent events, below /v1 by default.
    expect(upstream.calls.at(-1)?.path).toMatch(
      /\/models\/gemini-2\.0-flash:streamGenerateContent\?alt=sse$/,
    );
    const last = chunks.at(-1);
    const events = await stack.listEvents('acme-gemini-stream');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: last?.responseId,
      data: {
        usage_source: 'provider',
        prompt_tokens: last?.usageMetadata?.promptTokenCount,
        completion_tokens: last?.usageMetadata?.candidatesTokenCount,
      },
    });
  });

  it('meters a stream sent as one JSON array (no alt=sse) on /v1beta, with ?key=, relayed byte for byte', async () => {
    const url = `/v1beta/models/${model}:streamGenerateContent?key=gemini-caller`;
    const body = JSON.stringify({ contents: [{ parts: [{ text: contents }] }] });
    const headers = {
      'content-type': 'application/json',
      'OpenMeter-Subject': 'acme-gemini-array',
    };
    const viaProxy = await fetch(`${stack.proxyOrigin}${url}`, { method: 'POST', headers, body });
    expect(viaProxy.status).toBe(200);
    const text = await viaProxy.text();
    const chunks = JSON.parse(text) as Array<{
      responseId: string;
      usageMetadata?: { promptTokenCount: number; candidatesTokenCount?: number };
    }>;
    expect(chunks.length).toBeGreaterThan(1);
    const last = chunks.at(-1);
    const events = await stack.listEvents('acme-gemini-array');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: last?.responseId,
      data: {
        usage_source: 'provider',
        prompt_tokens: last?.usageMetadata?.promptTokenCount,
        completion_tokens: last?.usageMetadata?.candidatesTokenCount,
      },
    });
    expect(upstream.calls.at(-1)?.path).toBe(url);
  });

  it('meters a stream the caller aborts once, with what upstream finished in the grace', async () => {
    const controller = new AbortController();
    let id: string | undefined;
    await expect(
      (async () => {
        for await (const chunk of await client('acme-gemini-aborted').models.generateContentStream({
          model,
          contents: 'Write a long essay.',
          config: { abortSignal: controller.signal },
        })) {
          id = chunk.responseId;
          controller.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(id).toBeDefined();
    await expect.poll(async () => (await stack.listEvents('acme-gemini-aborted')).length).toBe(1);
    const [event] = await stack.listEvents('acme-gemini-aborted');
    expect(event?.id).toBe(id);
    const billed = (await stack.ledger()).find((entry) => entry.id === id);
    expect(billed).toBeDefined();
    expect(event?.data.prompt_tokens).toBe(billed?.input_tokens);
    expect(event?.data.completion_tokens).toBe(billed?.output_tokens);
  });

  it("refuses a call without a subject with Gemini's error shape, raised as the SDK's ApiError", async () => {
    const refused = await client(undefined)
      .models.generateContent({ model, contents })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(400);
    expect((refused as ApiError).message).toMatch(/INVALID_ARGUMENT/);
    expect((refused as ApiError).message).toMatch(/OpenMeter-Subject/i);
  });
});

describe('totals', () => {
  // Runs after every test above (Vitest runs a file's tests in order).
  it("metered in openmeter-local exactly what openai-local's ledger billed for the proxy's calls", async () => {
    // The direct call of the first test never went through the proxy.
    const { billed, metered } = await sumProxiedTokens({
      stack,
      provider: 'gemini',
      exceptId: directId,
    });
    expect(billed).toBeGreaterThan(0);
    expect(metered).toBe(billed);
  });
});
