import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyStack, startProxyStack } from './__fixtures__/start-proxy-stack.js';
import type { AccessLogEntry } from './access-log/access-log-entry.js';

// The caller's key: it must never reach the access log.
const callerKey = 'sk-caller-secret-0123456789abcdef';
let stack: ProxyStack;
const entries: AccessLogEntry[] = [];

beforeAll(async () => {
  stack = await startProxyStack({ accessLog: { write: (entry) => entries.push(entry) } });
});
afterAll(async () => {
  await stack?.close();
});

const sdk = (subject: string | undefined, headers: Record<string, string> = {}) =>
  new OpenAI({
    baseURL: stack.proxyUrl,
    apiKey: callerKey,
    maxRetries: 0,
    defaultHeaders: { ...(subject ? { 'OpenMeter-Subject': subject } : {}), ...headers },
  });

/** The one access log line of `subject`'s requests on `route`, once written. */
async function lineOf(subject: string | undefined, route: string): Promise<AccessLogEntry> {
  const matching = () =>
    entries.filter((entry) => entry.subject === subject && entry.route === route);
  await expect.poll(() => matching().length).toBe(1);
  return matching()[0] as AccessLogEntry;
}

describe('access log and event headers', () => {
  it('logs a blocking call with its event, and answers the event id and usage source as headers', async () => {
    const { data: completion, response } = await sdk('log-blocking')
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello, access log' }],
      })
      .withResponse();
    expect(response.headers.get('x-llm-meter-event-id')).toBe(completion.id);
    expect(response.headers.get('x-llm-meter-usage-source')).toBe('provider');
    const [event] = await stack.listEvents('log-blocking');
    expect(event?.id).toBe(completion.id);
    const line = await lineOf('log-blocking', 'chat');
    expect(line).toMatchObject({
      subject: 'log-blocking',
      provider: 'openai',
      model: event?.data.model,
      method: 'POST',
      path: '/v1/chat/completions',
      route: 'chat',
      stream: false,
      status: 200,
      prompt_tokens: completion.usage?.prompt_tokens,
      completion_tokens: completion.usage?.completion_tokens,
      total_tokens: completion.usage?.total_tokens,
      usage_source: 'provider',
      event_id: completion.id,
      request_id: response.headers.get('x-request-id'),
    });
    expect(line.latency_ms).toBeGreaterThanOrEqual(0);
    expect(line.ttfb_ms).toBeUndefined();
    expect(Date.parse(line.time)).not.toBeNaN();
  });

  it("names an embeddings call's event, which takes upstream's request id", async () => {
    const { response } = await sdk('log-embeddings')
      .embeddings.create({ model: 'text-embedding-3-small', input: 'one' })
      .withResponse();
    const id = response.headers.get('x-llm-meter-event-id');
    expect(id).toBe(response.headers.get('x-request-id'));
    expect(response.headers.get('x-llm-meter-usage-source')).toBe('provider');
    expect((await stack.listEvents('log-embeddings')).map((event) => event.id)).toEqual([id]);
    expect(await lineOf('log-embeddings', 'embeddings')).toMatchObject({ event_id: id });
  });

  it('logs a stream once it ends, with its time to first byte; its headers name no source', async () => {
    const { data: stream, response } = await sdk('log-stream')
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream to the access log' }],
        stream: true,
      })
      .withResponse();
    // Sent before the first chunk: the event is not metered yet, and its id is the stream's.
    expect(response.headers.get('x-llm-meter-event-id')).toBeNull();
    expect(response.headers.get('x-llm-meter-usage-source')).toBeNull();
    let id: string | undefined;
    for await (const chunk of stream) id ??= chunk.id;
    const line = await lineOf('log-stream', 'chat');
    const [event] = await stack.listEvents('log-stream');
    expect(line).toMatchObject({
      stream: true,
      status: 200,
      usage_source: 'provider',
      event_id: id,
      prompt_tokens: event?.data.prompt_tokens,
      completion_tokens: event?.data.completion_tokens,
      total_tokens: event?.data.total_tokens,
    });
    expect(line.ttfb_ms).toBeGreaterThanOrEqual(0);
    expect(line.latency_ms).toBeGreaterThanOrEqual(line.ttfb_ms as number);
    expect(line.caller_left).toBeUndefined();
  });

  it('logs a stream its caller aborts as the estimate it was billed', async () => {
    const controller = new AbortController();
    // Upstream stalls after 8 events until the proxy hangs up (after the grace).
    const stream = await sdk('log-abort', {
      'x-openai-local-fault': 'stall-after=8',
    }).chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Write a long essay about lighthouses.' }],
        stream: true,
        max_completion_tokens: 400,
      },
      { signal: controller.signal },
    );
    let chunks = 0;
    try {
      for await (const _chunk of stream) if (++chunks === 5) controller.abort();
    } catch {
      // The SDK reports the abort.
    }
    const line = await lineOf('log-abort', 'chat');
    const [event] = await stack.listEvents('log-abort');
    expect(line).toMatchObject({
      status: 200,
      stream: true,
      usage_source: 'estimated',
      estimate_reason: 'aborted',
      caller_left: true,
      event_id: event?.id,
      total_tokens: event?.data.total_tokens,
    });
  });

  it('logs a request refused for want of a subject, with its error code and no tokens', async () => {
    const error = await sdk(undefined)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const line = await lineOf(undefined, 'chat');
    expect(line).toMatchObject({ status: 400, error_code: 'missing_subject', route: 'chat' });
    expect(line).not.toHaveProperty('total_tokens');
    expect(line).not.toHaveProperty('event_id');
  });

  it('logs a pass-through request', async () => {
    await sdk('log-models').models.list();
    expect(await lineOf('log-models', 'passthrough')).toMatchObject({
      method: 'GET',
      path: '/v1/models',
      status: 200,
    });
  });

  it('never writes a key, a header or a body', () => {
    const text = entries.map((entry) => JSON.stringify(entry)).join('\n');
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(text).not.toContain(callerKey);
    expect(text).not.toContain('Bearer');
    expect(text).not.toContain('lighthouses');
  });
});

describe('access log with a budget gate', () => {
  let gated: ProxyStack;
  const gatedEntries: AccessLogEntry[] = [];
  beforeAll(async () => {
    gated = await startProxyStack({
      // A feature no subject has: every metered call is refused before upstream.
      budgetFeature: 'access_log_feature',
      accessLog: { write: (entry) => gatedEntries.push(entry) },
    });
  });
  afterAll(async () => {
    await gated?.close();
  });

  it('logs a request the budget refuses, with its subject and error code', async () => {
    // No entitlement to the feature: refused before upstream.
    const error = await gated
      .sdk('log-budget')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect.poll(() => gatedEntries.length).toBe(1);
    expect(gatedEntries[0]).toMatchObject({
      subject: 'log-budget',
      status: 403,
      error_code: 'budget_unavailable',
      model: 'gpt-4o-mini',
    });
    expect(gatedEntries[0]).not.toHaveProperty('usage_source');
  });
});

describe('event headers with generated event ids', () => {
  let generated: ProxyStack;
  const generatedEntries: AccessLogEntry[] = [];
  beforeAll(async () => {
    generated = await startProxyStack({
      events: { ids: 'generated' },
      accessLog: { write: (entry) => generatedEntries.push(entry) },
    });
  });
  afterAll(async () => {
    await generated?.close();
  });

  it("names a stream's event in its headers, known before the first chunk", async () => {
    const { data: stream, response } = await generated
      .sdk('log-generated')
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream under a generated id' }],
        stream: true,
      })
      .withResponse();
    const id = response.headers.get('x-llm-meter-event-id');
    expect(id).toBeTruthy();
    expect(response.headers.get('x-llm-meter-usage-source')).toBeNull();
    for await (const _chunk of stream) {
      // Read to the end.
    }
    const events = await generated.listEvents('log-generated');
    expect(events.map((event) => event.id)).toEqual([id]);
    await expect.poll(() => generatedEntries.length).toBe(1);
    expect(generatedEntries[0]).toMatchObject({ event_id: id, usage_source: 'provider' });
  });
});
