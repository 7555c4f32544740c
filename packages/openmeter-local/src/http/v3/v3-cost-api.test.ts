import { convertToTokenTypeEvents, openMeterMeters, type UsageEvent } from '@llm-meter/meter-core';
import { OpenMeterError } from '@llm-meter/openmeter-client';
import { createOpenMeterV3Client, type OpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type OpenMeterLocal, startOpenMeterLocal } from '../../start-open-meter-local.js';

// Features with an LLM unit cost, their cost query, and the LLM cost prices with overrides,
// through the v3 client against openmeter-local started with the shipped meters.
let server: OpenMeterLocal;
let v3: OpenMeterV3Client;
let meterId: string;
const now = new Date('2026-12-07T12:00:00.000Z');
beforeAll(async () => {
  server = await startOpenMeterLocal({ meters: openMeterMeters, now: () => now });
  v3 = createOpenMeterV3Client({ baseUrl: `${server.url}/api/v3`, retry: false });
  const page = await v3.meters.list({ filter: { key: 'llm_tokens_by_type' } });
  meterId = page.data[0]?.id as string;
  const usage = (
    id: string,
    subject: string,
    time: string,
    data: Partial<UsageEvent['data']>,
  ): UsageEvent =>
    ({
      specversion: '1.0',
      id,
      source: 'test',
      type: 'openai',
      subject,
      time,
      data: {
        provider: 'openai',
        model: 'gpt-5-nano-2025-08-07',
        endpoint: 'responses',
        usage_source: 'provider',
        prompt_tokens: 1_000,
        cached_tokens: 200,
        completion_tokens: 300,
        total_tokens: 1_300,
        ...data,
      },
    }) as UsageEvent;
  const events = [
    usage('a-1', 'acme', '2026-12-06T10:00:00Z', {}),
    usage('a-2', 'acme', '2026-12-07T10:00:00Z', {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      prompt_tokens: 3_000,
      cached_tokens: 0,
      cache_write_tokens: 2_000,
      completion_tokens: 100,
      total_tokens: 3_100,
    }),
    usage('g-1', 'globex', '2026-12-07T11:00:00Z', { model: 'my-finetune' }),
  ].flatMap((event) => convertToTokenTypeEvents({ event }));
  await v3.events.ingest(events);
});
afterAll(async () => {
  await server.close();
});

/** A feature's cost rows (usage and cost), from `from` to the end of the last event's day. */
async function queryCostRows(featureId: string, from = '2026-12-01T00:00:00Z') {
  const result = await v3.features.queryCost(featureId, { from, to: '2026-12-08T00:00:00Z' });
  return result.data.map(({ usage, cost }) => ({ usage, cost }));
}

const llmUnitCost = {
  type: 'llm',
  provider_property: 'provider',
  model_property: 'model',
  token_type_property: 'type',
} as const;

describe('LLM cost prices', () => {
  test('lists the table @llm-meter/prices prices with, per token, and gets one by id', async () => {
    const page = await v3.llmCost.listPrices({
      filter: { provider: { eq: 'openai' }, model_id: 'gpt-5-nano' },
    });
    expect(page.data).toEqual([
      expect.objectContaining({
        provider: { id: 'openai', name: 'OpenAI' },
        model: { id: 'gpt-5-nano', name: 'GPT-5 nano' },
        pricing: {
          input_per_token: '0.00000005',
          output_per_token: '0.0000004',
          cache_read_per_token: '0.000000005',
        },
        currency: 'USD',
        source: 'system',
      }),
    ]);
    const id = page.data[0]?.id as string;
    expect(id).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(await v3.llmCost.getPrice(id)).toEqual(page.data[0]);
    const all = await v3.llmCost.listPrices({ page: { size: 1000 } });
    expect(new Set(all.data.map((price) => price.provider.id))).toEqual(
      new Set(['openai', 'anthropic', 'google']),
    );
  });

  test('an unknown filter or operator is a 400 naming it; an unknown price a 404', async () => {
    await expect(v3.llmCost.listPrices({ filter: { model_id: { gt: 'a' } } })).rejects.toThrow(
      /filter\[model_id\]\[gt\] is not supported/,
    );
    await expect(v3.llmCost.getPrice('01KBZZZZZZZZZZZZZZZZZZZZZZ')).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('features and their cost query', () => {
  test('creates an llm feature, checks its dimensions, gets, lists and refuses a taken key', async () => {
    const feature = await v3.features.create({
      key: 'llm_token_cost',
      name: 'LLM token cost',
      meter: { id: meterId },
      unit_cost: llmUnitCost,
    });
    expect(feature).toMatchObject({ key: 'llm_token_cost', meter: { id: meterId } });
    expect(await v3.features.get(feature.id)).toEqual(feature);
    expect((await v3.features.list({ filter: { key: 'llm_token_cost' } })).data).toEqual([feature]);
    await expect(
      v3.features.create({ key: 'llm_token_cost', name: 'again', meter: { id: meterId } }),
    ).rejects.toMatchObject({ status: 409 });
    const refused = await v3.features
      .create({
        key: 'bad_dimension',
        name: 'bad',
        meter: { id: meterId },
        unit_cost: { ...llmUnitCost, model_property: 'no_such_dimension' },
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenMeterError);
    expect((refused as OpenMeterError).message).toMatch(
      /unit_cost.model_property no_such_dimension is not a dimension of meter llm_tokens_by_type/,
    );
  });

  test('prices usage per customer and day by provider, model and token type; unknown models are null with a reason', async () => {
    const [feature] = (await v3.features.list({ filter: { key: 'llm_token_cost' } })).data;
    const result = await v3.features.queryCost(feature?.id as string, {
      from: '2026-12-06T00:00:00Z',
      to: '2026-12-08T00:00:00Z',
      granularity: 'P1D',
      group_by_dimensions: ['subject'],
    });
    const rows = result.data
      .map((row) => ({
        day: row.from.slice(0, 10),
        ...row.dimensions,
        usage: row.usage,
        cost: row.cost,
        ...(row.detail ? { detail: row.detail } : {}),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(rows).toMatchInlineSnapshot(`
      [
        {
          "cost": "0.000001",
          "day": "2026-12-06",
          "model": "gpt-5-nano-2025-08-07",
          "provider": "openai",
          "subject": "acme",
          "type": "cache_read",
          "usage": "200",
        },
        {
          "cost": "0.00004",
          "day": "2026-12-06",
          "model": "gpt-5-nano-2025-08-07",
          "provider": "openai",
          "subject": "acme",
          "type": "input",
          "usage": "800",
        },
        {
          "cost": "0.00012",
          "day": "2026-12-06",
          "model": "gpt-5-nano-2025-08-07",
          "provider": "openai",
          "subject": "acme",
          "type": "output",
          "usage": "300",
        },
        {
          "cost": "0.0075",
          "day": "2026-12-07",
          "model": "claude-sonnet-4-5-20250929",
          "provider": "anthropic",
          "subject": "acme",
          "type": "cache_write",
          "usage": "2000",
        },
        {
          "cost": "0.003",
          "day": "2026-12-07",
          "model": "claude-sonnet-4-5-20250929",
          "provider": "anthropic",
          "subject": "acme",
          "type": "input",
          "usage": "1000",
        },
        {
          "cost": "0.0015",
          "day": "2026-12-07",
          "model": "claude-sonnet-4-5-20250929",
          "provider": "anthropic",
          "subject": "acme",
          "type": "output",
          "usage": "100",
        },
        {
          "cost": null,
          "day": "2026-12-07",
          "detail": "no LLM cost price for model my-finetune of provider openai: add one with POST /api/v3/openmeter/llm-cost/overrides",
          "model": "my-finetune",
          "provider": "openai",
          "subject": "globex",
          "type": "cache_read",
          "usage": "200",
        },
        {
          "cost": null,
          "day": "2026-12-07",
          "detail": "no LLM cost price for model my-finetune of provider openai: add one with POST /api/v3/openmeter/llm-cost/overrides",
          "model": "my-finetune",
          "provider": "openai",
          "subject": "globex",
          "type": "input",
          "usage": "800",
        },
        {
          "cost": null,
          "day": "2026-12-07",
          "detail": "no LLM cost price for model my-finetune of provider openai: add one with POST /api/v3/openmeter/llm-cost/overrides",
          "model": "my-finetune",
          "provider": "openai",
          "subject": "globex",
          "type": "output",
          "usage": "300",
        },
      ]
    `);
  });

  test('a static model and token type price without dimensions; request is input', async () => {
    const feature = await v3.features.create({
      key: 'nano_input',
      name: 'nano input',
      meter: {
        id: meterId,
        filters: { type: { eq: 'input' }, model: { eq: 'gpt-5-nano-2025-08-07' } },
      },
      unit_cost: { type: 'llm', provider: 'openai', model: 'gpt-5-nano', token_type: 'request' },
    });
    expect(feature.unit_cost).toMatchObject({
      pricing: { input_per_token: '0.00000005', output_per_token: '0.0000004' },
    });
    // a-1's 800 uncached input tokens (g-1's model is another, a-2's provider too).
    expect(await queryCostRows(feature.id)).toEqual([{ usage: '800', cost: '0.00004' }]);
  });

  test('an override replaces the system price in the list and in the cost; deleting it restores it', async () => {
    const override = await v3.llmCost.createOverride({
      provider: 'openai',
      model_id: 'gpt-5-nano',
      pricing: { input_per_token: '0.000001', output_per_token: '0.000002' },
      currency: 'USD',
      effective_from: '2026-01-01T00:00:00Z',
    });
    expect(override).toMatchObject({ source: 'manual', model: { id: 'gpt-5-nano' } });
    const again = await v3.llmCost.createOverride({
      provider: 'openai',
      model_id: 'gpt-5-nano',
      pricing: { input_per_token: '0.000002', output_per_token: '0.000002' },
      currency: 'USD',
      effective_from: '2026-01-01T00:00:00Z',
    });
    expect(again.id).toBe(override.id);
    expect((await v3.llmCost.listOverrides()).data).toEqual([again]);
    const listed = await v3.llmCost.listPrices({ filter: { model_id: 'gpt-5-nano' } });
    expect(listed.data).toEqual([again]);
    const [feature] = (await v3.features.list({ filter: { key: 'nano_input' } })).data;
    const rows = await queryCostRows(feature?.id as string);
    expect(rows.map((row) => row.cost)).toEqual(['0.0016']);
    await v3.llmCost.deleteOverride(override.id);
    expect((await v3.llmCost.listOverrides()).data).toEqual([]);
    await expect(v3.llmCost.deleteOverride(override.id)).rejects.toMatchObject({ status: 404 });
  });

  test('a manual unit cost prices usage times the amount; update and delete', async () => {
    const feature = await v3.features.create({
      key: 'flat_tokens',
      name: 'flat',
      meter: { id: meterId },
      unit_cost: { type: 'manual', amount: '0.000001' },
    });
    expect(await queryCostRows(feature.id, '2026-12-06T00:00:00Z')).toEqual([
      { usage: '5700', cost: '0.0057' },
    ]);
    const cleared = await v3.features.update(feature.id, { unit_cost: null });
    expect(cleared.unit_cost).toBeUndefined();
    await expect(v3.features.queryCost(feature.id)).rejects.toThrow(/has no unit_cost/);
    await v3.features.delete(feature.id);
    await expect(v3.features.get(feature.id)).rejects.toMatchObject({ status: 410 });
  });
});
