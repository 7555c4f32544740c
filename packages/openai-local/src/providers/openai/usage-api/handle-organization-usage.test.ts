import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPrice } from '../../../ledger/price-table.js';
import { createApiKeyId } from '../../../server/create-openai-local-app.js';
import type { OpenAILocalServer } from '../../../server/openai-local-options.js';
import { startOpenAILocal } from '../../../server/start-openai-local.js';

const adminKey = 'sk-admin-test-0123456789';
const day1 = Date.parse('2026-12-01T00:00:00Z') / 1000;
const day2 = day1 + 86_400;
const day3 = day2 + 86_400;
let current = new Date('2026-12-01T10:00:00Z');
const now = () => current;

let dataDir: string;
let server: OpenAILocalServer;
let client: OpenAI;
let admin: OpenAI;
// What the SDK received, per request, to compare the reports with.
const served: Array<{
  at: number;
  model: string;
  tier: string;
  project: string;
  input: number;
  cached: number;
  output: number;
}> = [];

type Page = {
  object: 'page';
  data: Array<{
    object: 'bucket';
    start_time: number;
    end_time: number;
    results: Array<Record<string, unknown>>;
  }>;
  has_more: boolean;
  next_page: string | null;
};

const query = (path: string, parameters: Record<string, unknown>) =>
  admin.get<Page>(path, { query: parameters });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'openai-local-usage-'));
  server = await startOpenAILocal({ dataDir, adminKey, now });
  client = new OpenAI({ apiKey: 'sk-project-key', baseURL: server.url, maxRetries: 0 });
  admin = new OpenAI({ apiKey: adminKey, baseURL: server.url, maxRetries: 0 });
  const projectClient = new OpenAI({
    apiKey: 'sk-project-key',
    baseURL: server.url,
    maxRetries: 0,
    project: 'proj_billing',
  });

  const chat = async (at: string, sdk: OpenAI, body: Record<string, unknown>, project: string) => {
    current = new Date(at);
    const completion = await sdk.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Question asked at ${at}.` }],
      ...body,
    } as never);
    const { usage } = completion as OpenAI.ChatCompletion;
    served.push({
      at: Date.parse(at) / 1000,
      model: (completion as OpenAI.ChatCompletion).model,
      tier: String((completion as OpenAI.ChatCompletion).service_tier),
      project,
      input: usage?.prompt_tokens ?? 0,
      cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      output: usage?.completion_tokens ?? 0,
    });
  };
  await chat('2026-12-01T10:00:00Z', client, {}, 'proj_openai_local');
  await chat('2026-12-01T10:30:20Z', projectClient, { service_tier: 'priority' }, 'proj_billing');
  current = new Date('2026-12-01T23:59:59Z');
  const response = await client.responses.create({
    model: 'gpt-5-mini',
    input: 'A flex question.',
    service_tier: 'flex',
  });
  served.push({
    at: Date.parse('2026-12-01T23:59:59Z') / 1000,
    model: response.model,
    tier: String(response.service_tier),
    project: 'proj_openai_local',
    input: response.usage?.input_tokens ?? 0,
    cached: response.usage?.input_tokens_details.cached_tokens ?? 0,
    output: response.usage?.output_tokens ?? 0,
  });
  // Requested default, served at flex: billed at flex.
  await chat(
    '2026-12-02T09:00:00Z',
    new OpenAI({
      apiKey: 'sk-project-key',
      baseURL: server.url,
      maxRetries: 0,
      defaultHeaders: { 'x-openai-local-fault': 'serve-tier=flex' },
    }),
    { model: 'gpt-5-mini', service_tier: 'default' },
    'proj_openai_local',
  );
  current = new Date('2026-12-02T09:05:00Z');
  await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two words'] });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const sum = (rows: typeof served, read: (row: (typeof served)[number]) => number) =>
  rows.reduce((total, row) => total + read(row), 0);

describe('GET /v1/organization/usage/completions', () => {
  it('refuses project keys and unknown keys with OpenAI’s 401, and takes the admin key', async () => {
    await expect(
      client.get('/organization/usage/completions', { query: { start_time: day1 } }),
    ).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('insufficient permissions'),
    });
    const anonymous = new OpenAI({ apiKey: '', baseURL: server.url, maxRetries: 0 });
    await expect(
      anonymous.get('/organization/usage/completions', { query: { start_time: day1 } }),
    ).rejects.toMatchObject({ status: 401 });
    await expect(
      query('/organization/usage/completions', { start_time: day1 }),
    ).resolves.toMatchObject({
      object: 'page',
    });
  });

  it('answers daily buckets in OpenAI’s shape with what was billed', async () => {
    const page = await query('/organization/usage/completions', {
      start_time: day1,
      end_time: day3,
      bucket_width: '1d',
    });
    expect(page).toMatchObject({ object: 'page', has_more: false, next_page: null });
    expect(page.data.map((bucket) => [bucket.object, bucket.start_time, bucket.end_time])).toEqual([
      ['bucket', day1, day2],
      ['bucket', day2, day3],
    ]);
    const firstDay = served.filter((row) => row.at < day2);
    expect(page.data[0]?.results).toEqual([
      {
        object: 'organization.usage.completions.result',
        input_tokens: sum(firstDay, (row) => row.input),
        output_tokens: sum(firstDay, (row) => row.output),
        input_cached_tokens: sum(firstDay, (row) => row.cached),
        input_uncached_tokens: sum(firstDay, (row) => row.input - row.cached),
        input_cache_write_tokens: 0,
        input_audio_tokens: 0,
        output_audio_tokens: 0,
        num_model_requests: 3,
        project_id: null,
        user_id: null,
        api_key_id: null,
        model: null,
        batch: null,
        service_tier: null,
      },
    ]);
    expect(page.data[1]?.results[0]).toMatchObject({ num_model_requests: 1 });
  });

  it('groups by model, service tier, project and key, and filters', async () => {
    const page = await query('/organization/usage/completions', {
      start_time: day1,
      end_time: day3,
      group_by: ['model', 'service_tier', 'project_id', 'api_key_id'],
    });
    const results = page.data.flatMap((bucket) => bucket.results);
    expect(
      results.map((result) => [
        result.model,
        result.service_tier,
        result.project_id,
        result.num_model_requests,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['gpt-4o-mini-2024-07-18', 'default', 'proj_openai_local', 1],
        ['gpt-4o-mini-2024-07-18', 'priority', 'proj_billing', 1],
        ['gpt-5-mini-2025-08-07', 'flex', 'proj_openai_local', 1],
      ]),
    );
    expect(results).toHaveLength(4);
    expect(new Set(results.map((result) => result.api_key_id))).toEqual(
      new Set([createApiKeyId('sk-project-key')]),
    );
    const filtered = await query('/organization/usage/completions', {
      start_time: day1,
      end_time: day3,
      project_ids: ['proj_billing'],
    });
    expect(filtered.data.flatMap((bucket) => bucket.results)).toEqual([
      expect.objectContaining({ num_model_requests: 1 }),
    ]);
  });

  it('pages through hourly and minute buckets with limit and next_page', async () => {
    const parameters = { start_time: day1, end_time: day2, bucket_width: '1h', limit: 5 };
    const buckets: Page['data'] = [];
    let page = await query('/organization/usage/completions', parameters);
    buckets.push(...page.data);
    while (page.has_more) {
      expect(page.next_page).toMatch(/^page_/);
      page = await query('/organization/usage/completions', {
        ...parameters,
        page: page.next_page,
      });
      buckets.push(...page.data);
    }
    expect(buckets).toHaveLength(24);
    expect(buckets.map((bucket) => bucket.start_time)).toEqual(
      Array.from({ length: 24 }, (_, hour) => day1 + hour * 3600),
    );
    const requests = buckets.map((bucket) => Number(bucket.results[0]?.num_model_requests ?? 0));
    expect(requests[10]).toBe(2);
    expect(requests[23]).toBe(1);
    expect(requests.reduce((total, count) => total + count, 0)).toBe(3);

    const minutes = await query('/organization/usage/completions', {
      start_time: day1 + 10 * 3600 + 15,
      bucket_width: '1m',
      limit: 31,
    });
    // start_time is rounded down to its minute; 10:00 and 10:30 are 31 minutes apart.
    expect(minutes.data[0]?.start_time).toBe(day1 + 10 * 3600);
    expect(minutes.data).toHaveLength(31);
    expect(minutes.has_more).toBe(true);
    expect(minutes.data[0]?.results).toHaveLength(1);
    expect(minutes.data[30]?.results).toHaveLength(1);
  });

  it('answers 400 naming the parameter for bad queries', async () => {
    await expect(query('/organization/usage/completions', {})).rejects.toMatchObject({
      status: 400,
      param: 'start_time',
    });
    await expect(
      query('/organization/usage/completions', { start_time: day1, bucket_width: '2d' }),
    ).rejects.toMatchObject({ status: 400, param: 'bucket_width' });
    await expect(
      query('/organization/usage/completions', { start_time: day1, group_by: ['line_item'] }),
    ).rejects.toMatchObject({ status: 400, param: 'group_by' });
    await expect(
      query('/organization/usage/completions', { start_time: day1, limit: 32 }),
    ).rejects.toMatchObject({ status: 400, param: 'limit' });
    await expect(
      query('/organization/usage/completions', { start_time: day1, page: 'page_forged' }),
    ).rejects.toMatchObject({ status: 400, param: 'page' });
  });
});

describe('GET /v1/organization/usage/embeddings', () => {
  it('reports embedding requests apart from completions', async () => {
    const page = await query('/organization/usage/embeddings', {
      start_time: day2,
      end_time: day3,
      group_by: ['model'],
    });
    expect(page.data[0]?.results).toEqual([
      {
        object: 'organization.usage.embeddings.result',
        input_tokens: 3,
        num_model_requests: 1,
        project_id: null,
        user_id: null,
        api_key_id: null,
        model: 'text-embedding-3-small',
      },
    ]);
  });
});

describe('GET /v1/organization/costs', () => {
  const price = (row: (typeof served)[number]) => {
    const prices = findPrice({ model: row.model, tier: row.tier as 'default' });
    if (prices === undefined) throw new Error(`no price for ${row.model} ${row.tier}`);
    return (
      ((row.input - row.cached) * prices.input +
        row.cached * (prices.cachedInput ?? prices.input) +
        row.output * prices.output) /
      1e6
    );
  };

  it('prices what was billed on the tier that served it, by line item', async () => {
    const page = await query('/organization/costs', {
      start_time: day1,
      end_time: day3,
      group_by: ['line_item'],
    });
    const lines = Object.fromEntries(
      page.data[0]?.results.map((result) => [
        result.line_item,
        (result.amount as { value: number }).value,
      ]) ?? [],
    );
    const flex = served.find((row) => row.at === Date.parse('2026-12-01T23:59:59Z') / 1000);
    const flexPrice = findPrice({ model: 'gpt-5-mini-2025-08-07', tier: 'flex' });
    expect(flexPrice?.output).toBe(1);
    expect(lines['gpt-5-mini-2025-08-07, flex output']).toBeCloseTo(
      ((flex?.output ?? 0) * 1) / 1e6,
      12,
    );
    expect(Object.keys(lines)).toEqual(
      expect.arrayContaining([
        'gpt-4o-mini-2024-07-18, input',
        'gpt-4o-mini-2024-07-18, output',
        'gpt-4o-mini-2024-07-18, priority input',
        'gpt-5-mini-2025-08-07, flex input',
      ]),
    );
    // Requested default, served flex: priced at flex, on day 2.
    const day2Lines = page.data[1]?.results.map((result) => result.line_item);
    expect(day2Lines).toEqual(
      expect.arrayContaining([
        'gpt-5-mini-2025-08-07, flex input',
        'text-embedding-3-small, input',
      ]),
    );
  });

  it('totals each day in USD and survives a restart', async () => {
    const parameters = { start_time: day1, end_time: day3 };
    const page = await query('/organization/costs', parameters);
    const firstDay = served.filter((row) => row.at < day2);
    expect(page.data[0]?.results).toEqual([
      {
        object: 'organization.costs.result',
        amount: { value: expect.closeTo(sum(firstDay, price), 10), currency: 'usd' },
        line_item: null,
        project_id: null,
      },
    ]);
    await expect(
      query('/organization/costs', { ...parameters, bucket_width: '1h' }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'bucket_width',
    });
    const restarted = await startOpenAILocal({ dataDir, adminKey, now });
    try {
      const again = new OpenAI({ apiKey: adminKey, baseURL: restarted.url, maxRetries: 0 });
      expect(await again.get('/organization/costs', { query: parameters })).toEqual(page);
      expect(
        await again.get('/organization/usage/completions', {
          query: { ...parameters, group_by: ['model'] },
        }),
      ).toEqual(
        await query('/organization/usage/completions', { ...parameters, group_by: ['model'] }),
      );
    } finally {
      await restarted.close();
    }
  });
});
