import { refusalEventType } from '../events/create-refusal-event.js';
import { defaultTokenTypeEventType, defaultUsageEventType } from '../events/usage-event.js';

/**
 * An OpenMeter meter, in the shape of the `POST /api/v1/meters` body (MeterCreate) and of the
 * `meters:` entries of OpenMeter's config file (which have no `name`).
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export interface MeterDefinition {
  slug: string;
  name: string;
  description: string;
  eventType: string;
  aggregation: 'SUM' | 'COUNT' | 'AVG' | 'MIN' | 'MAX' | 'UNIQUE_COUNT' | 'LATEST';
  /** The number each event adds; absent for COUNT meters, which count events. */
  valueProperty?: string | undefined;
  groupBy: Readonly<Record<string, string>>;
}

// Every usage event carries these (requested_model and service_tier when known), so every
// meter can split by them; provider, model and service_tier decide the price.
const usageGroupBy = {
  provider: '$.provider',
  model: '$.model',
  requested_model: '$.requested_model',
  service_tier: '$.service_tier',
  endpoint: '$.endpoint',
  usage_source: '$.usage_source',
} as const;

function sumMeter({
  slug,
  name,
  description,
  valueProperty,
}: Pick<MeterDefinition, 'slug' | 'name' | 'description' | 'valueProperty'>): MeterDefinition {
  return {
    slug,
    name,
    description,
    eventType: defaultUsageEventType,
    aggregation: 'SUM',
    valueProperty,
    groupBy: usageGroupBy,
  };
}

/**
 * Meters for usage events (`type: "openai"`, one event per response): total, prompt,
 * completion, cached (cache reads), cache-write (all, and the 1-hour ones of them) and reasoning
 * tokens, each by provider, model, requested model, service tier, endpoint and usage source.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export const usageEventMeters: readonly MeterDefinition[] = [
  sumMeter({
    slug: 'llm_tokens_total',
    name: 'LLM tokens total',
    description: 'All tokens (prompt + completion) per response, from usage events (type openai).',
    valueProperty: '$.total_tokens',
  }),
  sumMeter({
    slug: 'llm_prompt_tokens',
    name: 'LLM prompt tokens',
    description: 'Prompt (input) tokens, cached ones included, from usage events (type openai).',
    valueProperty: '$.prompt_tokens',
  }),
  sumMeter({
    slug: 'llm_completion_tokens',
    name: 'LLM completion tokens',
    description: 'Completion (output) tokens, reasoning included, from usage events (type openai).',
    valueProperty: '$.completion_tokens',
  }),
  sumMeter({
    slug: 'llm_cached_tokens',
    name: 'LLM cached prompt tokens',
    description: 'Prompt tokens served from the prompt cache, from usage events (type openai).',
    valueProperty: '$.cached_tokens',
  }),
  sumMeter({
    slug: 'llm_cache_write_tokens',
    name: 'LLM cache-write prompt tokens',
    description:
      'Prompt tokens written to the prompt cache (Anthropic), billed above the input rate, from usage events (type openai).',
    valueProperty: '$.cache_write_tokens',
  }),
  sumMeter({
    slug: 'llm_cache_write_1h_tokens',
    name: 'LLM 1-hour cache-write prompt tokens',
    description:
      'Of the cache-write tokens, those kept 1 hour (Anthropic ttl 1h), billed above the 5-minute rate, from usage events (type openai).',
    valueProperty: '$.cache_write_1h_tokens',
  }),
  sumMeter({
    slug: 'llm_reasoning_tokens',
    name: 'LLM reasoning tokens',
    description: 'Hidden reasoning tokens (part of completion), from usage events (type openai).',
    valueProperty: '$.reasoning_tokens',
  }),
];

/**
 * Meters for token-type events (`type: "prompt"`, one event per token type): tokens by the usage
 * dimensions and `type` in OpenMeter's LLM cost vocabulary (`input`, `cache_read`,
 * `cache_write`, `output`), the meter the shipped LLM cost feature prices.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export const tokenTypeEventMeters: readonly MeterDefinition[] = [
  {
    slug: 'llm_tokens_by_type',
    name: 'LLM tokens by type',
    description:
      'Tokens by provider, model and type (input, cache_read, cache_write, output), from token-type events (type prompt).',
    eventType: defaultTokenTypeEventType,
    aggregation: 'SUM',
    valueProperty: '$.tokens',
    groupBy: { ...usageGroupBy, type: '$.type' },
  },
];

/**
 * Meters for refusal events (`type: "llm_refusal"`, one per call the budget gate refused before
 * sending it): the count of refusals by feature, provider, requested model and reason. No usage
 * meter reads these events, and no feature prices this meter: a refusal costs nothing.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export const refusalEventMeters: readonly MeterDefinition[] = [
  {
    slug: 'llm_budget_refusals',
    name: 'LLM budget refusals',
    description:
      'Calls the budget gate refused before sending them (nothing was spent), by feature, provider, requested model and reason, from refusal events (type llm_refusal). Never priced.',
    eventType: refusalEventType,
    aggregation: 'COUNT',
    groupBy: {
      feature: '$.feature',
      provider: '$.provider',
      requested_model: '$.requested_model',
      reason: '$.reason',
    },
  },
];

/**
 * Every meter this package ships, as in `meters/openmeter-meters.yaml` and
 * `meters/meters-api.json`. Price one shape only: both count the same tokens.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export const openMeterMeters: readonly MeterDefinition[] = [
  ...usageEventMeters,
  ...tokenTypeEventMeters,
  ...refusalEventMeters,
];
