import { describe, expect, it } from 'vitest';
import { compareUsage, isPastThreshold } from './compare-usage.js';
import costsPage from './providers/openai/__fixtures__/costs-page.json' with { type: 'json' };
import usagePage from './providers/openai/__fixtures__/usage-completions-page.json' with {
  type: 'json',
};
import { convertOpenAICosts } from './providers/openai/convert-openai-costs.js';
import { convertOpenAIUsage } from './providers/openai/convert-openai-usage.js';
import type {
  OpenAIBucket,
  OpenAICostsResult,
  OpenAIUsageCompletionsResult,
} from './providers/openai/openai-organization-types.js';
import type { MeteredUsageRow, ReconcileDimensions } from './usage-key.js';

const byTier: ReconcileDimensions = { serviceTier: true, projectId: false, apiKeyId: false };
const noDimensions: ReconcileDimensions = { serviceTier: false, projectId: false, apiKeyId: false };
const day = '2026-12-01';
const dayStart = Date.parse(`${day}T00:00:00Z`) / 1000;

function usageBucket(
  results: Array<Partial<OpenAIUsageCompletionsResult>>,
): OpenAIBucket<OpenAIUsageCompletionsResult> {
  return {
    object: 'bucket',
    start_time: dayStart,
    end_time: dayStart + 86_400,
    results: results.map((result) => ({
      object: 'organization.usage.completions.result',
      input_tokens: 0,
      output_tokens: 0,
      input_cached_tokens: 0,
      num_model_requests: 1,
      project_id: null,
      api_key_id: null,
      model: null,
      batch: null,
      ...result,
    })),
  };
}

function meteredRow(row: Partial<MeteredUsageRow>): MeteredUsageRow {
  return {
    day,
    model: 'gpt-4o-mini-2024-07-18',
    serviceTier: 'default',
    projectId: '*',
    apiKeyId: '*',
    prompt_tokens: 0,
    cached_tokens: 0,
    completion_tokens: 0,
    estimatedInput: 0,
    estimatedOutput: 0,
    ...row,
  };
}

describe('convertOpenAIUsage', () => {
  it("reads OpenAI's documented usage page", () => {
    const rows = convertOpenAIUsage({
      buckets: usagePage.data as OpenAIBucket<OpenAIUsageCompletionsResult>[],
      dimensions: noDimensions,
    });
    expect(rows).toEqual([
      {
        day: '2024-11-01',
        model: '(none)',
        serviceTier: '*',
        projectId: '*',
        apiKeyId: '*',
        prompt_tokens: 1000,
        cached_tokens: 800,
        completion_tokens: 500,
        requests: 5,
      },
    ]);
  });

  it('keys batch usage as tier batch and a missing tier as default, and adds up equal keys', () => {
    const rows = convertOpenAIUsage({
      buckets: [
        usageBucket([
          { model: 'gpt-4o-mini-2024-07-18', service_tier: 'default', input_tokens: 10 },
          { model: 'gpt-4o-mini-2024-07-18', service_tier: null, input_tokens: 5 },
          {
            model: 'gpt-4o-mini-2024-07-18',
            batch: true,
            service_tier: 'default',
            input_tokens: 7,
          },
          { model: 'o4-mini-2025-04-16', service_tier: 'flex', input_tokens: 3 },
        ]),
      ],
      dimensions: byTier,
    });
    expect(
      rows.map((row) => [row.model, row.serviceTier, row.prompt_tokens, row.requests]),
    ).toEqual([
      ['gpt-4o-mini-2024-07-18', 'default', 15, 2],
      ['gpt-4o-mini-2024-07-18', 'batch', 7, 1],
      ['o4-mini-2025-04-16', 'flex', 3, 1],
    ]);
  });
});

describe('compareUsage', () => {
  const openai = convertOpenAIUsage({
    buckets: [
      usageBucket([
        {
          model: 'gpt-4o-mini-2024-07-18',
          service_tier: 'default',
          input_tokens: 2350,
          input_cached_tokens: 1152,
          output_tokens: 97,
          num_model_requests: 2,
        },
      ]),
    ],
    dimensions: byTier,
  });

  it('shows no drift when the metered tokens equal OpenAI’s', () => {
    const { rows } = compareUsage({
      metered: [meteredRow({ prompt_tokens: 2350, cached_tokens: 1152, completion_tokens: 97 })],
      reported: openai,
      dimensions: byTier,
    });
    expect(rows.map((row) => [row.metric, row.metered, row.reported, row.difference])).toEqual([
      ['input', 2350, 2350, 0],
      ['cached', 1152, 1152, 0],
      ['output', 97, 97, 0],
    ]);
    expect(rows.some((row) => isPastThreshold({ row, threshold: 0 }))).toBe(false);
  });

  it('shows the drift of an unsettled estimate, with the estimated tokens apart', () => {
    // An aborted stream was metered as an estimate of 16 output tokens; OpenAI billed 12.
    const { rows } = compareUsage({
      metered: [
        meteredRow({
          prompt_tokens: 2350,
          cached_tokens: 1152,
          completion_tokens: 101,
          estimatedInput: 1175,
          estimatedOutput: 16,
        }),
      ],
      reported: openai,
      dimensions: byTier,
    });
    const output = rows.find((row) => row.metric === 'output');
    expect(output).toMatchObject({ metered: 101, reported: 97, difference: 4, estimated: 16 });
    expect(output?.percent).toBeCloseTo((4 / 97) * 100, 9);
    expect(isPastThreshold({ row: output as never, threshold: 1 })).toBe(true);
    expect(isPastThreshold({ row: output as never, threshold: 5 })).toBe(false);
  });

  it('says n/a and drifts when one side has usage the other lacks', () => {
    const { rows } = compareUsage({
      metered: [
        meteredRow({ model: 'gpt-4.1-mini-2025-04-14', prompt_tokens: 10, completion_tokens: 2 }),
      ],
      reported: openai,
      dimensions: byTier,
    });
    const onlyMetered = rows.filter((row) => row.model === 'gpt-4.1-mini-2025-04-14');
    expect(onlyMetered.map((row) => row.percent)).toEqual([null, null]);
    const onlyOpenAI = rows.filter((row) => row.model === 'gpt-4o-mini-2024-07-18');
    expect(onlyOpenAI.map((row) => row.percent)).toEqual([-100, -100, -100]);
    expect(rows.every((row) => isPastThreshold({ row, threshold: 50 }))).toBe(true);
  });

  it('compares the cost of the metered tokens with OpenAI’s costs per day', () => {
    // gpt-4o-mini: (1198 × $0.15 + 1152 × $0.075 + 97 × $0.60) / 1M
    const meteredCost = (1198 * 0.15 + 1152 * 0.075 + 97 * 0.6) / 1e6;
    const costs: OpenAIBucket<OpenAICostsResult>[] = [
      {
        object: 'bucket',
        start_time: dayStart,
        end_time: dayStart + 86_400,
        results: [
          {
            object: 'organization.costs.result',
            amount: { value: meteredCost * 0.75, currency: 'usd' },
            line_item: 'gpt-4o-mini-2024-07-18, input',
            project_id: null,
          },
          {
            object: 'organization.costs.result',
            amount: { value: meteredCost * 0.25, currency: 'usd' },
            line_item: 'gpt-4o-mini-2024-07-18, output',
            project_id: null,
          },
        ],
      },
    ];
    const { rows, unpriced } = compareUsage({
      metered: [
        meteredRow({ prompt_tokens: 2350, cached_tokens: 1152, completion_tokens: 97 }),
        meteredRow({ model: 'my-finetune', prompt_tokens: 5, completion_tokens: 1 }),
      ],
      reported: openai,
      costs: convertOpenAICosts({ buckets: costs }),
      dimensions: byTier,
    });
    const cost = rows.find((row) => row.metric === 'cost_usd');
    expect(cost).toMatchObject({ day, model: '*', serviceTier: '*', difference: 0, percent: 0 });
    expect(cost?.metered).toBeCloseTo(meteredCost, 12);
    expect(unpriced).toHaveLength(1);
    expect(unpriced[0]).toContain('my-finetune');
  });

  it("reads OpenAI's documented costs page", () => {
    const { rows } = compareUsage({
      metered: [],
      reported: [],
      costs: convertOpenAICosts({ buckets: costsPage.data as OpenAIBucket<OpenAICostsResult>[] }),
      dimensions: noDimensions,
    });
    expect(rows).toEqual([
      {
        day: '2024-11-01',
        model: '*',
        serviceTier: '*',
        projectId: '*',
        apiKeyId: '*',
        metric: 'cost_usd',
        metered: 0,
        reported: 0.06,
        difference: -0.06,
        percent: -100,
        estimated: 0,
        settled: 0,
      },
    ]);
  });
});
