import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../../../server/openai-local-options.js';
import { startOpenAILocal } from '../../../server/start-openai-local.js';
import { anthropicPriceTable } from './anthropic-price-table.js';

const adminKey = 'sk-ant-admin01-test-admin-key';
let server: OpenAILocalServer;
let client: Anthropic;
let admin: Anthropic;
const clock = new Date('2026-12-07T10:30:00.000Z');
const range = { starting_at: '2026-12-07T00:00:00Z', ending_at: '2026-12-08T00:00:00Z' };

const longSystem = Array.from({ length: 400 }, (_, index) => `Rule ${index}: bill once.`).join(' ');

interface UsageResult {
  uncached_input_tokens: number;
  cache_creation: { ephemeral_1h_input_tokens: number; ephemeral_5m_input_tokens: number };
  cache_read_input_tokens: number;
  output_tokens: number;
  model: string | null;
}
interface ReportPage<T> {
  data: Array<{ starting_at: string; ending_at: string; results: T[] }>;
  has_more: boolean;
  next_page: string | null;
}

beforeAll(async () => {
  server = await startOpenAILocal({ adminKey, now: () => clock });
  const baseURL = server.url.replace(/\/v1$/, '');
  client = new Anthropic({ apiKey: 'test-key', baseURL, maxRetries: 0 });
  admin = new Anthropic({ apiKey: adminKey, baseURL, maxRetries: 0 });
});
afterAll(() => server.close());

describe("Anthropic's Admin usage and cost reports", () => {
  it('report exactly what the SDK received, by model, and price it', async () => {
    const received: Anthropic.Usage[] = [];
    const models: string[] = [];
    const record = (message: Anthropic.Message) => {
      received.push(message.usage);
      models.push(message.model);
    };
    const cached = {
      model: 'claude-sonnet-4-5',
      max_tokens: 40,
      system: [
        { type: 'text' as const, text: longSystem, cache_control: { type: 'ephemeral' as const } },
      ],
      messages: [{ role: 'user' as const, content: 'First rule?' }],
    };
    record(await client.messages.create(cached));
    record(await client.messages.create(cached));
    record(
      await client.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 3000,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'Think, then answer.' }],
      }),
    );
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Stream it.' }],
    });
    record(await stream.finalMessage());
    // An OpenAI request in the same ledger stays out of Anthropic's reports.
    await new OpenAI({
      apiKey: 'test',
      baseURL: server.url,
      maxRetries: 0,
    }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });

    const expected = new Map<string, UsageResult>();
    received.forEach((usage, index) => {
      const model = models[index] ?? '';
      const total = expected.get(model) ?? {
        uncached_input_tokens: 0,
        cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
        cache_read_input_tokens: 0,
        output_tokens: 0,
        model,
      };
      total.uncached_input_tokens += usage.input_tokens;
      total.cache_creation.ephemeral_5m_input_tokens +=
        usage.cache_creation?.ephemeral_5m_input_tokens ?? 0;
      total.cache_creation.ephemeral_1h_input_tokens +=
        usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
      total.cache_read_input_tokens += usage.cache_read_input_tokens ?? 0;
      total.output_tokens += usage.output_tokens;
      expected.set(model, total);
    });
    const report = async () =>
      (await admin.get('/v1/organizations/usage_report/messages', {
        query: { ...range, bucket_width: '1d', group_by: ['model'] },
      })) as ReportPage<UsageResult>;
    // A stream is billed once the server has ended it, a moment after the SDK's last event.
    const outputByModel = async () =>
      Object.fromEntries(
        ((await report()).data[0]?.results ?? []).map((result) => [
          result.model,
          result.output_tokens,
        ]),
      );
    await expect
      .poll(outputByModel)
      .toEqual(
        Object.fromEntries([...expected].map(([model, total]) => [model, total.output_tokens])),
      );
    const page = await report();
    expect(page).toMatchObject({ has_more: false, next_page: null });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({
      starting_at: '2026-12-07T00:00:00Z',
      ending_at: '2026-12-08T00:00:00Z',
    });
    for (const result of page.data[0]?.results ?? []) {
      expect(result).toEqual({
        ...expected.get(result.model ?? ''),
        server_tool_use: { web_search_requests: 0 },
        api_key_id: null,
        workspace_id: null,
        service_tier: null,
        context_window: null,
        inference_geo: null,
      });
    }

    // The cost report prices the same tokens, in cents as decimal strings.
    const costs = (await admin.get('/v1/organizations/cost_report', {
      query: { ...range, group_by: ['description'] },
    })) as ReportPage<{ amount: string; model: string; token_type: string; currency: string }>;
    const expectedCents = [...expected.values()].reduce((sum, total) => {
      const row = anthropicPriceTable.find((candidate) => candidate.model === total.model);
      if (row === undefined) throw new Error(`no price for ${total.model}`);
      return (
        sum +
        (total.uncached_input_tokens * row.input +
          total.output_tokens * row.output +
          total.cache_read_input_tokens * row.cacheRead +
          total.cache_creation.ephemeral_5m_input_tokens * row.cacheWrite5m +
          total.cache_creation.ephemeral_1h_input_tokens * row.cacheWrite1h) /
          1e4
      );
    }, 0);
    const results = costs.data[0]?.results ?? [];
    expect(results.every((result) => result.currency === 'USD')).toBe(true);
    expect(new Set(results.map((result) => result.token_type))).toEqual(
      new Set([
        'uncached_input_tokens',
        'output_tokens',
        'cache_read_input_tokens',
        'cache_creation.ephemeral_5m_input_tokens',
      ]),
    );
    const total = results.reduce((sum, result) => sum + Number(result.amount), 0);
    expect(total).toBeCloseTo(expectedCents, 6);
  });

  it('pages hourly buckets with next_page', async () => {
    const first = (await admin.get('/v1/organizations/usage_report/messages', {
      query: {
        starting_at: '2026-12-07T09:00:00Z',
        ending_at: '2026-12-07T12:00:00Z',
        bucket_width: '1h',
        limit: 1,
      },
    })) as ReportPage<UsageResult>;
    expect(first.data.map((bucket) => bucket.starting_at)).toEqual(['2026-12-07T09:00:00Z']);
    expect(first.data[0]?.results).toEqual([]);
    expect(first.has_more).toBe(true);
    const second = (await admin.get('/v1/organizations/usage_report/messages', {
      query: {
        starting_at: '2026-12-07T09:00:00Z',
        ending_at: '2026-12-07T12:00:00Z',
        bucket_width: '1h',
        limit: 1,
        page: first.next_page,
      },
    })) as ReportPage<UsageResult>;
    expect(second.data.map((bucket) => bucket.starting_at)).toEqual(['2026-12-07T10:00:00Z']);
    expect(second.data[0]?.results).toHaveLength(1);
  });

  it('refuses a key that is not the admin key, and a bad query, as Anthropic does', async () => {
    await expect(
      client.get('/v1/organizations/usage_report/messages', { query: range }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(
      admin.get('/v1/organizations/cost_report', { query: { ...range, bucket_width: '1h' } }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(
      admin.get('/v1/organizations/usage_report/messages', { query: {} }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });
});
