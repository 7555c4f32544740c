import { openMeterMeters } from '@llm-meter/meter-core';
import type { OutboxEvent } from '@llm-meter/meter-outbox';
import { createOpenMeterV3Client, createV3MeterReader } from '@llm-meter/openmeter-client/v3';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { compareFeatureCost, formatCostComparison } from './compare-feature-cost.js';
import { createTokenTypeIngest } from './create-token-type-ingest.js';
import { ensureCostFeature } from './ensure-cost-feature.js';
import { queryUsageTable } from './query-usage-table.js';

// The two cost computations on OpenMeter's v3 API (openmeter-local): the toolkit prices the
// usage table itself, OpenMeter's feature cost query prices the token-type events the v3 ingest
// sends beside each usage event.
let server: OpenMeterLocal;
beforeEach(async () => {
  server = await startOpenMeterLocal({ meters: openMeterMeters });
});
afterEach(async () => {
  await server.close();
});

// The main job's shape: the three providers' default models, three customers, two days, cache
// reads and (Claude) cache writes, and a stream estimate settled by a correction.
function usageEvent({
  id,
  subject,
  time,
  data,
}: {
  id: string;
  subject: string;
  time: string;
  data: Record<string, unknown>;
}): OutboxEvent {
  const prompt = data.prompt_tokens as number;
  const completion = data.completion_tokens as number;
  return {
    specversion: '1.0',
    id,
    source: 'llm-meter',
    type: 'openai',
    subject,
    time,
    data: {
      provider: 'openai',
      model: 'gpt-5-nano-2025-08-07',
      service_tier: 'default',
      endpoint: 'chat.completions',
      usage_source: 'provider',
      cached_tokens: 0,
      total_tokens: prompt + completion,
      ...data,
    },
  };
}

const mainJob: OutboxEvent[] = [
  usageEvent({
    id: 'chatcmpl-1',
    subject: 'customer-acme',
    time: '2026-12-06T10:00:00Z',
    data: { prompt_tokens: 1_234, cached_tokens: 1_024, completion_tokens: 2_345 },
  }),
  usageEvent({
    id: 'msg_1',
    subject: 'customer-acme',
    time: '2026-12-07T10:00:00Z',
    data: {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      service_tier: 'standard',
      endpoint: 'messages',
      prompt_tokens: 4_100,
      cache_write_tokens: 3_900,
      completion_tokens: 312,
    },
  }),
  usageEvent({
    id: 'gemini-1',
    subject: 'customer-globex',
    time: '2026-12-07T11:00:00Z',
    data: {
      provider: 'google',
      model: 'gemini-2.5-flash',
      endpoint: 'generateContent',
      prompt_tokens: 57,
      completion_tokens: 801,
    },
  }),
  // A stream that ended without usage: an estimate (no cache hits known), then its settlement.
  usageEvent({
    id: 'resp_2',
    subject: 'customer-initech',
    time: '2026-12-07T12:00:00Z',
    data: {
      endpoint: 'responses',
      usage_source: 'estimated',
      cached_tokens_unknown: true,
      prompt_tokens: 2_100,
      completion_tokens: 640,
    },
  }),
  usageEvent({
    id: 'resp_2:settled',
    subject: 'customer-initech',
    time: '2026-12-07T12:00:00Z',
    data: {
      endpoint: 'responses',
      usage_source: 'settled',
      settles: 'resp_2',
      prompt_tokens: -52,
      cached_tokens: 1_920,
      completion_tokens: 4,
      total_tokens: -48,
    },
  }),
];

async function compare() {
  const v3 = createOpenMeterV3Client({ baseUrl: `${server.url}/api/v3`, retry: false });
  const announced: string[] = [];
  const feature = await ensureCostFeature({ client: v3, announce: (line) => announced.push(line) });
  if (feature.status !== 'found') throw new Error(feature.reason);
  await createTokenTypeIngest({ client: v3, usageEventType: 'openai' }).events.ingest(mainJob);
  const rows = await queryUsageTable({ client: createV3MeterReader({ client: v3 }) });
  const comparison = await compareFeatureCost({ client: v3, featureId: feature.id, rows });
  return { v3, announced, comparison };
}

describe('compareFeatureCost', () => {
  test("the toolkit's prices and OpenMeter's feature cost query agree to the cent per customer and day", async () => {
    const { announced, comparison } = await compare();
    expect(announced).toEqual([
      'OpenMeter v3: created feature "llm_token_cost" (LLM unit cost on llm_tokens_by_type by provider, model and type)',
    ]);
    expect(comparison.agrees).toBe(true);
    expect(
      comparison.rows.map(({ day, subject, toolkitUsd, openmeterUsd }) => ({
        day,
        subject,
        toolkitUsd: toolkitUsd.toFixed(8),
        openmeterUsd: openmeterUsd.toFixed(8),
      })),
    ).toMatchInlineSnapshot(`
      [
        {
          "day": "2026-12-06",
          "openmeterUsd": "0.00095362",
          "subject": "customer-acme",
          "toolkitUsd": "0.00095362",
        },
        {
          "day": "2026-12-07",
          "openmeterUsd": "0.01990500",
          "subject": "customer-acme",
          "toolkitUsd": "0.01990500",
        },
        {
          "day": "2026-12-07",
          "openmeterUsd": "0.00201960",
          "subject": "customer-globex",
          "toolkitUsd": "0.00201960",
        },
        {
          "day": "2026-12-07",
          "openmeterUsd": "0.00027360",
          "subject": "customer-initech",
          "toolkitUsd": "0.00027360",
        },
      ]
    `);
    expect(
      formatCostComparison({ comparison, featureKey: 'llm_token_cost' }),
    ).toMatchInlineSnapshot(
      `"Cost check: the toolkit's prices and OpenMeter's feature cost query (llm_token_cost) agree to the cent for every customer and day (4): toolkit $0.023152, OpenMeter $0.023152."`,
    );
  });

  test('a disagreement is shown per customer and day, and an unpriced model is named, never $0', async () => {
    const v3 = createOpenMeterV3Client({ baseUrl: `${server.url}/api/v3`, retry: false });
    // OpenMeter's price of gpt-5-nano differs from the toolkit's (a namespace override).
    await v3.llmCost.createOverride({
      provider: 'openai',
      model_id: 'gpt-5-nano',
      pricing: { input_per_token: '0.00001', output_per_token: '0.00004' },
      currency: 'USD',
      effective_from: '2026-01-01T00:00:00Z',
    });
    await createTokenTypeIngest({ client: v3, usageEventType: 'openai' }).events.ingest([
      usageEvent({
        id: 'house-1',
        subject: 'customer-globex',
        time: '2026-12-07T13:00:00Z',
        data: { model: 'house-model-7b', prompt_tokens: 10, completion_tokens: 5 },
      }),
    ]);
    const { comparison } = await compare();
    expect(comparison.agrees).toBe(false);
    expect(
      formatCostComparison({ comparison, featureKey: 'llm_token_cost' }),
    ).toMatchInlineSnapshot(`
      "Cost check: the toolkit's prices and OpenMeter's feature cost query (llm_token_cost) DISAGREE (toolkit $0.023152, OpenMeter $0.144865); by customer and day (! differs):
      ! 2026-12-06  customer-acme  toolkit $0.000954  OpenMeter $0.095900  (OpenMeter unpriced: the price of openai/gpt-5-nano has no cache_read_per_token rate (token type cache_read))
        2026-12-07  customer-acme  toolkit $0.019905  OpenMeter $0.019905
      ! 2026-12-07  customer-globex  toolkit $0.002020  OpenMeter $0.002020  (1 table row(s) unpriced by the toolkit; OpenMeter unpriced: no LLM cost price for model house-model-7b of provider openai: add one with POST /api/v3/openmeter/llm-cost/overrides)
      ! 2026-12-07  customer-initech  toolkit $0.000274  OpenMeter $0.027040  (OpenMeter unpriced: the price of openai/gpt-5-nano has no cache_read_per_token rate (token type cache_read))
      OpenMeter's cost database has one rate per token type: flex, priority and batch tiers, 1-hour cache writes, Anthropic's US inference and long prompts above a context tier are priced by the toolkit only, so such usage differs."
    `);
  });

  test('1-hour cache writes, which OpenMeter prices at its one cache-write rate, are set aside and named', async () => {
    const v3 = createOpenMeterV3Client({ baseUrl: `${server.url}/api/v3`, retry: false });
    // 20,000 tokens written to the 1-hour cache: $0.045 above the 5-minute rate, far past a cent.
    await createTokenTypeIngest({ client: v3, usageEventType: 'openai' }).events.ingest([
      usageEvent({
        id: 'msg_1h',
        subject: 'customer-globex',
        time: '2026-12-07T14:00:00Z',
        data: {
          provider: 'anthropic',
          model: 'claude-sonnet-4-5-20250929',
          service_tier: 'standard',
          endpoint: 'messages',
          prompt_tokens: 20_100,
          cache_write_tokens: 20_000,
          cache_write_1h_tokens: 20_000,
          completion_tokens: 40,
        },
      }),
    ]);
    const { comparison } = await compare();
    const globex = comparison.rows.find((row) => row.subject === 'customer-globex');
    expect(globex?.cacheWrite1hSurchargeUsd.toFixed(8)).toBe('0.04500000');
    expect((globex?.toolkitUsd ?? 0) - (globex?.openmeterUsd ?? 0)).toBeCloseTo(0.045, 10);
    expect(comparison.agrees).toBe(true);
    expect(
      formatCostComparison({ comparison, featureKey: 'llm_token_cost' }),
    ).toMatchInlineSnapshot(
      `"Cost check: the toolkit's prices and OpenMeter's feature cost query (llm_token_cost) agree to the cent for every customer and day (4): toolkit $0.144052 (of which $0.045000 is 1-hour cache writes above the 5-minute rate, which OpenMeter's cost database cannot price: set aside), OpenMeter $0.099052."`,
    );
  });
});
