import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openaiLocalAdminKey,
  type ProxyStack,
  startProxyStack,
} from './__fixtures__/start-proxy-stack.js';

let stack: ProxyStack;
// Unix seconds, a day before the stack started: the start of openai-local's usage query.
const usageSince = Math.floor(Date.now() / 1000) - 86_400;
beforeAll(async () => {
  stack = await startProxyStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('metering proxy with the openai SDK', () => {
  it('meters a blocking chat completion once, with the provider usage and id', async () => {
    const completion = await stack.sdk('customer-blocking').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello through the proxy' }],
    });
    const events = await stack.listEvents('customer-blocking');
    expect(events).toHaveLength(1);
    expect(events[0]?.id).toBe(completion.id);
    expect(events[0]?.data).toMatchObject({
      usage_source: 'provider',
      prompt_tokens: completion.usage?.prompt_tokens,
      completion_tokens: completion.usage?.completion_tokens,
      total_tokens: completion.usage?.total_tokens,
    });
    expect(
      await stack.meterTotal({ meter: 'llm_tokens_total', subject: 'customer-blocking' }),
    ).toBe(completion.usage?.total_tokens);
  });

  it('adds include_usage to a stream and hides the usage chunk from a client that did not ask', async () => {
    const stream = await stack.sdk('customer-stream').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream to me' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    const events = await stack.listEvents('customer-stream');
    expect(events).toHaveLength(1);
    expect(events[0]?.id).toBe(chunks[0]?.id);
    expect(events[0]?.data.usage_source).toBe('provider');
  });

  it('passes the usage chunk to a client that asked for it, metered with the same numbers', async () => {
    const stream = await stack.sdk('customer-usage').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream with usage' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage).toBeDefined();
    expect(await stack.meterTotal({ meter: 'llm_tokens_total', subject: 'customer-usage' })).toBe(
      usage?.total_tokens,
    );
  });

  it('meters Responses, blocking and streaming, and embeddings', async () => {
    const client = stack.sdk('customer-mixed');
    const response = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Hi there' });
    const stream = await client.responses.create({
      model: 'gpt-4.1-mini',
      input: 'Stream it',
      stream: true,
    });
    let streamed: number | undefined;
    for await (const event of stream)
      if (event.type === 'response.completed') streamed = event.response.usage?.total_tokens;
    const embedding = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['one', 'two'],
    });
    const expected =
      (response.usage?.total_tokens ?? 0) + (streamed ?? 0) + embedding.usage.total_tokens;
    expect(await stack.meterTotal({ meter: 'llm_tokens_total', subject: 'customer-mixed' })).toBe(
      expected,
    );
    expect(await stack.listEvents('customer-mixed')).toHaveLength(3);
  });

  it('meters a stream the client aborts as an estimate of what streamed, settled to what upstream billed', async () => {
    const controller = new AbortController();
    // Upstream stalls after 8 events until the proxy hangs up, so the usage chunk never comes.
    const stream = await stack
      .sdk('customer-abort', {
        'x-openai-local-fault': 'stall-after=8',
      })
      .chat.completions.create(
        {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Write a long essay about lighthouses.' }],
          stream: true,
          max_completion_tokens: 400,
          // Stored, so that the estimate can be settled against the completion upstream billed.
          store: true,
        },
        { signal: controller.signal },
      );
    let chunks = 0;
    try {
      for await (const _chunk of stream) {
        if (++chunks === 5) controller.abort();
      }
    } catch {
      // The SDK reports the abort.
    }
    const estimates = async () =>
      (await stack.listEvents('customer-abort')).filter(
        (event) => event.data.usage_source === 'estimated',
      );
    await expect.poll(async () => (await estimates()).length, { timeout: 300_000 }).toBe(1);
    const [event] = await estimates();
    expect(event?.data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'aborted' });
    expect(Number(event?.data.completion_tokens)).toBeGreaterThanOrEqual(3);
    await stack.settler.drain();
    expect(stack.settler.stats()).toMatchObject({ pending: 0, unsettled: 0 });
    const billed = await new OpenAI({
      apiKey: 'sk-caller',
      baseURL: stack.openai.url,
      maxRetries: 0,
    }).chat.completions.retrieve(String(event?.id));
    expect(await stack.meterTotal({ meter: 'llm_tokens_total', subject: 'customer-abort' })).toBe(
      billed.usage?.total_tokens,
    );
  });

  it('passes upstream errors through unchanged and meters nothing', async () => {
    const error = await stack
      .sdk('customer-error', { 'x-openai-local-fault': '429,retry-after=7' })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers.get('retry-after')).toBe('7');
    expect(error.headers.get('x-request-id')).toBeTruthy();
    const server = await stack
      .sdk('customer-error', { 'x-openai-local-fault': '500' })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(server).toBeInstanceOf(OpenAI.InternalServerError);
    // A refused stream: its journaled prompt estimate is dropped, nothing is billed.
    const refused = await stack
      .sdk('customer-error', { 'x-openai-local-fault': '429' })
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      })
      .catch((caught) => caught);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await stack.listEvents('customer-error')).toHaveLength(0);
    expect(stack.outbox.stats().pending).toBe(0);
  });

  it('refuses a request without a subject in OpenAI error form', async () => {
    const client = new OpenAI({ baseURL: stack.proxyUrl, apiKey: 'sk-caller', maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe('missing_subject');
    expect(error.message).toMatch(/send the openmeter-subject header/);
  });

  it('forwards /v1/models and serves /healthz and /metrics', async () => {
    const models = await stack.sdk('customer-models').models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const base = stack.proxyUrl.replace(/\/v1$/, '');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/llm_meter_proxy_requests_total\{route="chat",status="200"\} \d+/);
    expect(metrics).toMatch(/llm_meter_proxy_tokens_total\{type="output"\} \d+/);
    expect(metrics).toMatch(/llm_meter_proxy_outbox_pending \d+/);
  });
});

describe('metering proxy with curl', () => {
  const curl = (args: string[]) =>
    new Promise<{ status: number; stdout: string }>((resolve, reject) => {
      const child = spawn('curl', ['-sS', '-w', '\n%{http_code}', ...args]);
      let stdout = '';
      child.stdout.on('data', (data) => {
        stdout += data;
      });
      child.on('error', reject);
      child.on('close', () => {
        const at = stdout.lastIndexOf('\n');
        resolve({ status: Number(stdout.slice(at + 1)), stdout: stdout.slice(0, at) });
      });
    });

  it('meters a blocking and a streaming chat completion sent by curl', async () => {
    const url = `${stack.proxyUrl}/chat/completions`;
    const headers = [
      '-H',
      'content-type: application/json',
      '-H',
      'authorization: Bearer sk-curl',
      '-H',
      'OpenMeter-Subject: customer-curl',
    ];
    const blocking = await curl([
      ...headers,
      '-d',
      JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi from curl' }],
      }),
      url,
    ]);
    expect(blocking.status).toBe(200);
    const total = JSON.parse(blocking.stdout).usage.total_tokens as number;
    const streaming = await curl([
      '-N',
      ...headers,
      '-d',
      JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'stream from curl' }],
        stream: true,
      }),
      url,
    ]);
    expect(streaming.status).toBe(200);
    expect(streaming.stdout).toMatch(/data: \[DONE\]/);
    expect(streaming.stdout).not.toMatch(/"usage":\{/);
    const events = await stack.listEvents('customer-curl');
    expect(events).toHaveLength(2);
    expect(await stack.meterTotal({ meter: 'llm_tokens_total', subject: 'customer-curl' })).toBe(
      total +
        Number(
          events.find((event) => event.id !== JSON.parse(blocking.stdout).id)?.data.total_tokens,
        ),
    );
  });
});

describe('totals', () => {
  // Runs after every test above (Vitest runs a file's tests in order).
  it('metered in openmeter-local exactly what upstream billed, per its organization usage API', async () => {
    await stack.settler.drain();
    await stack.outbox.flush();
    const admin = new OpenAI({
      apiKey: openaiLocalAdminKey,
      baseURL: stack.openai.url,
      maxRetries: 0,
    });
    interface UsagePage {
      data: Array<{ results: Array<{ input_tokens: number; output_tokens?: number }> }>;
      has_more: boolean;
      next_page: string | null;
    }
    const billed = async (path: string) => {
      let total = 0;
      let page: string | undefined;
      for (;;) {
        const body = (await admin.get(path, {
          query: { start_time: usageSince, bucket_width: '1d', ...(page ? { page } : {}) },
        })) as UsagePage;
        for (const bucket of body.data)
          for (const result of bucket.results)
            total += result.input_tokens + (result.output_tokens ?? 0);
        if (!body.has_more || !body.next_page) return total;
        page = body.next_page;
      }
    };
    const upstream =
      (await billed('/organization/usage/completions')) +
      (await billed('/organization/usage/embeddings'));
    const metered = (await stack.client.meters.query('llm_tokens_total')).data.reduce(
      (sum, row) => sum + row.value,
      0,
    );
    expect(upstream).toBeGreaterThan(0);
    expect(metered).toBe(upstream);
  });
});
