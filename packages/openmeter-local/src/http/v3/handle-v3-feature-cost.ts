import type {
  FeatureCostQueryRow,
  FeatureUnitCost,
  LlmCostModelPricing,
} from '@llm-meter/openmeter-client/v3';
import Big from 'big.js';
import { findLlmCostPrice } from '../../llm-cost/resolve-llm-cost-prices.js';
import { HttpProblem } from '../http-problem.js';
import { readJsonObject } from '../read-json-object.js';
import type { Reply, RouteContext } from '../reply.js';
import { findMeterById, findV3Feature } from './handle-v3-features.js';
import { runV3MeterQuery } from './run-v3-meter-query.js';

// The spec: "`request` is an alias for `input`, `response` is an alias for `output`".
const TOKEN_TYPE_ALIASES: Record<string, string> = { request: 'input', response: 'output' };

/**
 * `POST /api/v3/openmeter/features/{featureId}/cost/query`: the feature's meter queried with the
 * body (a `MeterQueryRequest`, the feature's meter filters added), each row priced: a manual unit
 * cost times the usage, or an LLM unit cost's rate for the row's provider, model and token type
 * (static, or the meter dimension the unit cost names, which the query then groups by too, so
 * each row has one price) at the row's start, overrides applied. `cost` is a decimal string in
 * USD, or null with a `detail` saying why (a missing dimension, a model without a price, a rate
 * the price lacks): never a zero for what has no price.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export async function handleV3QueryFeatureCost(context: RouteContext): Promise<Reply> {
  const feature = findV3Feature(context);
  if (!feature.meter) {
    throw new HttpProblem(
      400,
      `Feature ${feature.key} has no meter, so it has no usage to price: create a feature with meter.id.`,
    );
  }
  const unitCost = feature.unit_cost as FeatureUnitCost | undefined;
  if (!unitCost) {
    throw new HttpProblem(
      400,
      `Feature ${feature.key} has no unit_cost: set one with PATCH /api/v3/openmeter/features/${feature.id}.`,
    );
  }
  const meter = findMeterById({ context, id: feature.meter.id });
  const hasBody =
    (context.request.headers.get('content-length') ?? '') !== '0' && context.request.body;
  const body = hasBody
    ? await readJsonObject({ request: context.request, name: 'MeterQueryRequest' })
    : {};
  const pricingDimensions =
    unitCost.type === 'llm'
      ? [unitCost.provider_property, unitCost.model_property, unitCost.token_type_property].filter(
          (property): property is string => property !== undefined,
        )
      : [];
  const requested = Array.isArray(body.group_by_dimensions) ? body.group_by_dimensions : [];
  const { result } = await runV3MeterQuery({
    context,
    meter,
    body: {
      ...body,
      group_by_dimensions: [...new Set([...requested, ...pricingDimensions])],
      filters: mergeFilters({ body: body.filters, feature: feature.meter.filters }),
    },
  });
  const data: FeatureCostQueryRow[] = result.data.map((row) => {
    const { cost, detail } =
      unitCost.type === 'manual'
        ? { cost: new Big(row.value).times(unitCost.amount).toFixed(), detail: undefined }
        : priceLlmRow({
            context,
            unitCost,
            dimensions: row.dimensions,
            usage: row.value,
            at: row.from ?? result.from,
          });
    return {
      usage: row.value,
      cost,
      currency: 'USD',
      ...(detail === undefined ? {} : { detail }),
      from: row.from as string,
      to: row.to as string,
      dimensions: row.dimensions,
    };
  });
  return {
    status: 200,
    body: {
      ...(result.from ? { from: result.from } : {}),
      ...(result.to ? { to: result.to } : {}),
      data,
    },
  };
}

function priceLlmRow({
  context,
  unitCost,
  dimensions,
  usage,
  at,
}: {
  context: RouteContext;
  unitCost: Extract<FeatureUnitCost, { type: 'llm' }>;
  dimensions: Record<string, string>;
  usage: string;
  at: string | undefined;
}): { cost: string | null; detail?: string } {
  const read = (fixed: string | undefined, property: string | undefined) =>
    fixed ?? (property === undefined ? undefined : dimensions[property]);
  const provider = read(unitCost.provider, unitCost.provider_property);
  const model = read(unitCost.model, unitCost.model_property);
  const given = read(unitCost.token_type, unitCost.token_type_property);
  const missing = [
    provider === undefined ? unitCost.provider_property : undefined,
    model === undefined ? unitCost.model_property : undefined,
    given === undefined ? unitCost.token_type_property : undefined,
  ].filter((name) => name !== undefined);
  if (provider === undefined || model === undefined || given === undefined) {
    return {
      cost: null,
      detail: `the usage has no ${missing.join(', ')} dimension, so no LLM cost price can be looked up for it`,
    };
  }
  const tokenType = TOKEN_TYPE_ALIASES[given] ?? given;
  const price = findLlmCostPrice({
    store: context.store.llmCost,
    provider,
    model,
    at: at === undefined ? context.now() : new Date(at),
  });
  if (!price) {
    return {
      cost: null,
      detail: `no LLM cost price for model ${model} of provider ${provider}: add one with POST /api/v3/openmeter/llm-cost/overrides`,
    };
  }
  const rate = price.pricing[`${tokenType}_per_token` as keyof LlmCostModelPricing];
  if (rate === undefined) {
    return {
      cost: null,
      detail: `the price of ${provider}/${price.model.id} has no ${tokenType}_per_token rate (token type ${given})`,
    };
  }
  return { cost: new Big(usage).times(rate).toFixed() };
}

// The feature's meter filters apply on top of the query's own; both on one dimension: both hold.
function mergeFilters({
  body,
  feature,
}: {
  body: unknown;
  feature: Record<string, unknown> | undefined;
}): unknown {
  if (!feature || Object.keys(feature).length === 0) return body;
  const given = (body ?? {}) as { dimensions?: Record<string, unknown> };
  const dimensions: Record<string, unknown> = { ...(given.dimensions ?? {}) };
  for (const [key, filter] of Object.entries(feature)) {
    dimensions[key] = key in dimensions ? { and: [dimensions[key], filter] } : filter;
  }
  return { ...given, dimensions };
}
