import type { LlmCostPrice } from '@llm-meter/openmeter-client/v3';
import { listLlmCostPrices } from '../../llm-cost/resolve-llm-cost-prices.js';
import { HttpProblem } from '../http-problem.js';
import { readJsonObject } from '../read-json-object.js';
import type { Reply, RouteContext } from '../reply.js';
import { matchV3StringFilter } from './match-v3-string-filter.js';
import { readV3Page, replyV3Page } from './page-v3-list.js';
import { parseDeepObject } from './parse-deep-object.js';

const NUMERIC = /^-?[0-9]+(\.[0-9]+)?$/;
const RATES = [
  'input_per_token',
  'output_per_token',
  'cache_read_per_token',
  'cache_write_per_token',
  'reasoning_per_token',
];
const FILTERS: Record<string, (price: LlmCostPrice) => string> = {
  provider: (price) => price.provider.id,
  model_id: (price) => price.model.id,
  model_name: (price) => price.model.name,
  currency: (price) => price.currency,
  source: (price) => price.source,
};
const SORTS: Record<string, (price: LlmCostPrice) => string> = {
  id: (price) => price.id,
  'provider.id': (price) => price.provider.id,
  'model.id': (price) => price.model.id,
  effective_from: (price) => price.effective_from,
  effective_to: (price) => price.effective_to ?? '',
};

/**
 * `GET /api/v3/openmeter/llm-cost/prices`: the prices in force now, overrides applied, from the
 * table `@llm-meter/prices` prices with; `filter[provider|model_id|model_name|currency|source]`,
 * `sort` (`model.id` by default) and `page`.
 */
export function handleV3ListLlmCostPrices({ url, store, now }: RouteContext): Reply {
  const prices = listLlmCostPrices({ store: store.llmCost, at: now() });
  return replyV3Page({
    items: sortPrices({ url, prices: filterPrices({ url, prices }) }),
    page: readV3Page({ url }),
  });
}

/** `GET /api/v3/openmeter/llm-cost/prices/{priceId}`: a price in force now, overrides applied. */
export function handleV3GetLlmCostPrice({ store, parameters, now }: RouteContext): Reply {
  const id = parameters.priceId as string;
  const price = listLlmCostPrices({ store: store.llmCost, at: now() }).find(
    (candidate) => candidate.id === id,
  );
  if (!price) {
    throw new HttpProblem(
      404,
      `LLM cost price ${id} not found: list prices with GET /api/v3/openmeter/llm-cost/prices.`,
    );
  }
  return { status: 200, body: price };
}

/** `GET /api/v3/openmeter/llm-cost/overrides`: the namespace's overrides, filtered and paged. */
export function handleV3ListLlmCostOverrides({ url, store }: RouteContext): Reply {
  const prices = filterPrices({ url, prices: store.llmCost.listOverrides() });
  return replyV3Page({ items: prices, page: readV3Page({ url }) });
}

/**
 * `POST /api/v3/openmeter/llm-cost/overrides`: creates the override of a provider, model and
 * currency, or updates the existing one (the spec: "If an override already exists ..., it will
 * be updated"); 201 either way, as the spec answers. Rates are `Numeric` strings per token; input and output are required.
 */
export async function handleV3CreateLlmCostOverride({
  request,
  store,
}: RouteContext): Promise<Reply> {
  const body = await readJsonObject({ request, name: 'LLMCostOverrideCreate' });
  const allowed = new Set([
    'provider',
    'model_id',
    'model_name',
    'pricing',
    'currency',
    'effective_from',
    'effective_to',
  ]);
  for (const field of Object.keys(body)) {
    if (!allowed.has(field)) throw invalid(field, 'is not a field of LLMCostOverrideCreate');
  }
  for (const field of ['provider', 'model_id', 'currency'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '')
      throw invalid(field, 'must be a non-empty string');
  }
  if (body.model_name !== undefined && typeof body.model_name !== 'string')
    throw invalid('model_name', 'must be a string');
  const pricing = body.pricing;
  if (typeof pricing !== 'object' || pricing === null || Array.isArray(pricing))
    throw invalid('pricing', 'must be an object of per-token rates');
  for (const [field, value] of Object.entries(pricing)) {
    if (!RATES.includes(field))
      throw invalid(`pricing.${field}`, `is not a rate: use ${RATES.join(', ')}`);
    if (typeof value !== 'string' || !NUMERIC.test(value) || value.startsWith('-'))
      throw invalid(`pricing.${field}`, 'must be a non-negative decimal string (USD per token)');
  }
  for (const field of ['input_per_token', 'output_per_token']) {
    if (!(field in pricing)) throw invalid(`pricing.${field}`, 'is required');
  }
  const from = readTime(body, 'effective_from');
  const to = body.effective_to === undefined ? undefined : readTime(body, 'effective_to');
  if (to !== undefined && new Date(to) <= new Date(from))
    throw invalid('effective_to', 'must be after effective_from');
  const provider = body.provider as string;
  const modelId = body.model_id as string;
  const { price } = store.llmCost.upsertOverride({
    provider: { id: provider, name: provider },
    model: { id: modelId, name: (body.model_name as string | undefined) ?? modelId },
    pricing: pricing as LlmCostPrice['pricing'],
    currency: body.currency as string,
    effective_from: from,
    ...(to === undefined ? {} : { effective_to: to }),
  });
  // The spec answers 201 for a create and for an update alike.
  return { status: 201, body: price };
}

/** `DELETE /api/v3/openmeter/llm-cost/overrides/{priceId}`: 204; the system price applies again. */
export function handleV3DeleteLlmCostOverride({ store, parameters }: RouteContext): Reply {
  const id = parameters.priceId as string;
  if (!store.llmCost.deleteOverride(id)) {
    throw new HttpProblem(
      404,
      `LLM cost override ${id} not found: list overrides with GET /api/v3/openmeter/llm-cost/overrides.`,
    );
  }
  return { status: 204 };
}

function filterPrices({ url, prices }: { url: URL; prices: LlmCostPrice[] }): LlmCostPrice[] {
  let kept = prices;
  for (const [name, filter] of Object.entries(parseDeepObject({ url, name: 'filter' }))) {
    const read = FILTERS[name];
    if (!read) {
      throw new HttpProblem(
        400,
        `filter[${name}] is not a filter of LLM cost prices: use ${Object.keys(FILTERS).join(', ')}`,
      );
    }
    const matches = matchV3StringFilter({ name, filter });
    kept = kept.filter((price) => matches(read(price)));
  }
  return kept;
}

function sortPrices({ url, prices }: { url: URL; prices: LlmCostPrice[] }): LlmCostPrice[] {
  const [attribute = 'model.id', order = 'asc', ...rest] = (url.searchParams.get('sort') ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const read = SORTS[attribute];
  if (!read || rest.length > 0 || (order !== 'asc' && order !== 'desc')) {
    throw new HttpProblem(
      400,
      `sort must be one of ${Object.keys(SORTS).join(', ')}, optionally followed by asc or desc`,
    );
  }
  const sign = order === 'desc' ? -1 : 1;
  return [...prices].sort((left, right) => {
    const a = read(left);
    const b = read(right);
    if (a !== b) return a < b ? -sign : sign;
    return left.provider.id < right.provider.id ? -1 : left.provider.id > right.provider.id ? 1 : 0;
  });
}

function readTime(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  const time = typeof value === 'string' ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw invalid(field, 'must be an RFC 3339 date-time');
  return time.toISOString();
}

function invalid(field: string, reason: string): HttpProblem {
  return new HttpProblem(400, `Invalid LLM cost override: ${field} ${reason}`, {
    extensions: { invalid_parameters: [{ field, reason, source: 'body' }] },
  });
}
