import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordUpstreamCalls } from './__fixtures__/record-upstream-calls.js';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';
import { sumProxiedTokens } from './__fixtures__/sum-proxied-tokens.js';

// Anthropic's Messages API through the proxy with the official SDK, against openai-local's
// simulation of it: each call metered exactly once, as Anthropic billed it.
let stack: ProxyStack;
const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 200,
  messages: [{ role: 'user' as const, content: 'Name three lighthouses.' }],
};
const client = (subject: string | undefined, baseURL = stack.proxyOrigin) =>
  new Anthropic({
    apiKey: 'sk-ant-caller',
    baseURL,
    maxRetries: 0,
    defaultHeaders: subject === undefined ? {} : { 'OpenMeter-Subject': subject },
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

describe('Anthropic Messages through the proxy', () => {
  it('meters a blocking message once, under its id, with the usage Anthropic reported', async () => {
    const direct = await client(undefined, stack.openai.origin).messages.create(request);
    directId = direct.id;
    const message = await client('acme-anthropic').messages.create(request);
    // The proxy answers what upstream answered.
    expect(message.usage.input_tokens).toBe(direct.usage.input_tokens);
    expect(message.content).toEqual(direct.content);
    const events = await stack.listEvents('acme-anthropic');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: message.id,
      data: {
        usage_source: 'provider',
        prompt_tokens: message.usage.input_tokens,
        completion_tokens: message.usage.output_tokens,
        model: message.model,
        endpoint: 'messages',
      },
    });
    expect(stack.upstreamRequests.some((line) => line.startsWith('POST /v1/messages'))).toBe(true);
  });

  it('meters a stream once from its message_delta, relaying every event', async () => {
    const stream = client('acme-anthropic-stream').messages.stream(request);
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    const events = await stack.listEvents('acme-anthropic-stream');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: message.id,
      data: {
        usage_source: 'provider',
        prompt_tokens: message.usage.input_tokens,
        completion_tokens: message.usage.output_tokens,
      },
    });
  });

  it('meters a stream the caller aborts once, with what upstream finished in the grace', async () => {
    const stream = client('acme-anthropic-aborted').messages.stream({
      ...request,
      max_tokens: 400,
    });
    let id: string | undefined;
    let deltas = 0;
    await expect(
      (async () => {
        for await (const event of stream) {
          if (event.type === 'message_start') id = event.message.id;
          if (event.type === 'content_block_delta' && ++deltas === 3) stream.abort();
        }
      })(),
    ).rejects.toThrow(Anthropic.APIUserAbortError);
    expect(id).toMatch(/^msg_/);
    await expect
      .poll(async () => (await stack.listEvents('acme-anthropic-aborted')).length)
      .toBe(1);
    const [event] = await stack.listEvents('acme-anthropic-aborted');
    expect(event?.id).toBe(id);
    // Upstream finished within the abort grace: what it billed, not an estimate.
    const billed = (await stack.ledger()).find((entry) => entry.id === id);
    expect(billed).toBeDefined();
    expect(event?.data.prompt_tokens).toBe(billed?.input_tokens);
    expect(event?.data.completion_tokens).toBe(billed?.output_tokens);
  });

  it("refuses a call without a subject with Anthropic's BadRequestError, billing nothing", async () => {
    const refused = await client(undefined)
      .messages.create(request)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect((refused as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    });
    expect((refused as Error).message).toMatch(/OpenMeter-Subject/i);
  });

  it("passes upstream's own errors through unchanged, as the SDK's exceptions", async () => {
    const refused = await client('acme-anthropic-refused')
      .messages.create({ ...request, model: 'claude-no-such-model' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.NotFoundError);
    expect(await stack.listEvents('acme-anthropic-refused')).toHaveLength(0);
  });

  it("forwards anthropic-version, anthropic-beta and the caller's key, never the subject header", async () => {
    await client('acme-anthropic-beta').beta.messages.create(
      { ...request, betas: ['context-management-2025-06-27'] },
      { headers: { 'anthropic-version': '2023-06-01' } },
    );
    const forwarded = upstream.calls.at(-1)?.headers;
    expect(forwarded?.['anthropic-version']).toBe('2023-06-01');
    expect(forwarded?.['anthropic-beta']).toBe('context-management-2025-06-27');
    // @anthropic-ai/sdk 1.17 sends its key as `Authorization: Bearer`, earlier ones as x-api-key.
    expect(forwarded?.['x-api-key'] ?? forwarded?.authorization).toMatch(/sk-ant-caller$/);
    expect(forwarded?.['openmeter-subject']).toBeUndefined();
    expect(await stack.listEvents('acme-anthropic-beta')).toHaveLength(1);
  });
});

describe('totals', () => {
  // Runs after every test above (Vitest runs a file's tests in order).
  it("metered in openmeter-local exactly what openai-local's ledger billed for the proxy's calls", async () => {
    // The direct call of the first test never went through the proxy.
    const { billed, metered } = await sumProxiedTokens({
      stack,
      provider: 'anthropic',
      exceptId: directId,
    });
    expect(billed).toBeGreaterThan(0);
    expect(metered).toBe(billed);
  });
});
