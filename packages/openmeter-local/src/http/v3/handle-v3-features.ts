import type { Feature, FeatureLlmUnitCost, FeatureUnitCost } from '@llm-meter/openmeter-client/v3';
import { FeatureConflictError, type FeatureInput } from '../../llm-cost/llm-cost-store.js';
import { findLlmCostPrice } from '../../llm-cost/resolve-llm-cost-prices.js';
import type { CompiledMeter } from '../../meters/compile-meter.js';
import { HttpProblem } from '../http-problem.js';
import { readJsonObject } from '../read-json-object.js';
import type { Reply, RouteContext } from '../reply.js';
import { matchV3StringFilter } from './match-v3-string-filter.js';
import { readV3Page, replyV3Page } from './page-v3-list.js';
import { parseDeepObject } from './parse-deep-object.js';

const KEY = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
const NUMERIC = /^-?[0-9]+(\.[0-9]+)?$/;
const CREATE_FIELDS = new Set(['name', 'description', 'labels', 'key', 'meter', 'unit_cost']);
const TOKEN_TYPES = [
  'input',
  'output',
  'cache_read',
  'cache_write',
  'reasoning',
  'request',
  'response',
];
const LLM_FIELDS = [
  ['provider', 'provider_property'],
  ['model', 'model_property'],
  ['token_type', 'token_type_property'],
] as const;

/**
 * `GET /api/v3/openmeter/features`: active features, oldest first, `filter[meter_id]`,
 * `filter[key]`, `filter[name]`, paged; each LLM unit cost with its resolved `pricing` where
 * the provider and model are static (or fixed by the meter filters).
 */
export function handleV3ListFeatures(context: RouteContext): Reply {
  const { url, store } = context;
  let features = store.llmCost.listFeatures();
  for (const [name, filter] of Object.entries(parseDeepObject({ url, name: 'filter' }))) {
    const read =
      name === 'meter_id'
        ? (feature: Feature) => feature.meter?.id
        : name === 'key' || name === 'name'
          ? (feature: Feature) => feature[name]
          : undefined;
    if (!read) {
      throw new HttpProblem(
        400,
        `filter[${name}] is not a filter of features: use meter_id, key or name`,
      );
    }
    const matches = matchV3StringFilter({ name, filter });
    features = features.filter((feature) => matches(read(feature)));
  }
  return replyV3Page({
    items: features.map((feature) => withPricing({ context, feature })),
    page: readV3Page({ url }),
  });
}

/** `POST /api/v3/openmeter/features`: 201; 400 invalid (meter, unit cost); 409 key taken. */
export async function handleV3CreateFeature(context: RouteContext): Promise<Reply> {
  const body = await readJsonObject({ request: context.request, name: 'CreateFeatureRequest' });
  for (const field of Object.keys(body)) {
    if (!CREATE_FIELDS.has(field)) throw invalid(field, 'is not a field of CreateFeatureRequest');
  }
  if (typeof body.key !== 'string' || !KEY.test(body.key) || body.key.length > 64)
    throw invalid('key', 'must be 1 to 64 lowercase letters, digits and single underscores');
  if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 256)
    throw invalid('name', 'must be a string of 1 to 256 characters');
  if (body.description !== undefined && typeof body.description !== 'string')
    throw invalid('description', 'must be a string');
  const meter =
    body.meter === undefined ? undefined : readMeterReference({ context, value: body.meter });
  const unitCost =
    body.unit_cost === undefined ? undefined : readUnitCost({ value: body.unit_cost, meter });
  try {
    const feature = context.store.llmCost.createFeature({
      ...(body as FeatureInput),
      ...(meter === undefined ? {} : { meter: body.meter as Feature['meter'] }),
      ...(unitCost === undefined ? {} : { unit_cost: unitCost as Feature['unit_cost'] }),
    });
    return { status: 201, body: withPricing({ context, feature }) };
  } catch (error) {
    if (error instanceof FeatureConflictError)
      throw new HttpProblem(409, error.message, { cause: error });
    throw error;
  }
}

/** `GET /api/v3/openmeter/features/{featureId}`: 410 when deleted. */
export function handleV3GetFeature(context: RouteContext): Reply {
  return { status: 200, body: withPricing({ context, feature: findV3Feature(context) }) };
}

/** `PATCH /api/v3/openmeter/features/{featureId}`: sets or clears (`null`) the unit cost. */
export async function handleV3UpdateFeature(context: RouteContext): Promise<Reply> {
  const feature = findV3Feature(context);
  const body = await readJsonObject({ request: context.request, name: 'UpdateFeatureRequest' });
  for (const field of Object.keys(body)) {
    if (field !== 'unit_cost') throw invalid(field, 'cannot be updated: only unit_cost can');
  }
  const meter = feature.meter ? findMeterById({ context, id: feature.meter.id }) : undefined;
  const unitCost =
    body.unit_cost === null || body.unit_cost === undefined
      ? (body.unit_cost as null | undefined)
      : readUnitCost({ value: body.unit_cost, meter });
  if (unitCost === undefined) return { status: 200, body: withPricing({ context, feature }) };
  const updated = context.store.llmCost.updateFeatureUnitCost({ id: feature.id, unitCost });
  return { status: 200, body: withPricing({ context, feature: updated ?? feature }) };
}

/** `DELETE /api/v3/openmeter/features/{featureId}`: 204; the feature is kept, marked deleted. */
export function handleV3DeleteFeature(context: RouteContext): Reply {
  const feature = findV3Feature(context);
  context.store.llmCost.deleteFeature(feature.id);
  return { status: 204 };
}

/** The active feature of the `featureId` path parameter: 404 unknown, 410 deleted. */
export function findV3Feature({ store, parameters }: RouteContext): Feature {
  const id = parameters.featureId as string;
  const feature = store.llmCost.getFeature(id);
  if (!feature) {
    throw new HttpProblem(
      404,
      `Feature ${id} not found: v3 addresses features by id; find one by key with GET /api/v3/openmeter/features?filter[key]=${id}.`,
    );
  }
  if (feature.deleted_at)
    throw new HttpProblem(410, `Feature ${id} was deleted at ${feature.deleted_at}.`);
  return feature;
}

/** The active meter with this v3 id, or a 400 naming `meter.id`. */
export function findMeterById({
  context,
  id,
}: {
  context: RouteContext;
  id: string;
}): CompiledMeter {
  const meter = context.store.findMeter(id);
  if (!meter || meter.meter.id !== id) {
    throw invalid(
      'meter.id',
      `${JSON.stringify(id)} is not the id of an active meter (list them with GET /api/v3/openmeter/meters)`,
    );
  }
  return meter;
}

function readMeterReference({
  context,
  value,
}: {
  context: RouteContext;
  value: unknown;
}): CompiledMeter {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('meter', 'must be an object with the meter id');
  const { id, filters, ...rest } = value as Record<string, unknown>;
  for (const field of Object.keys(rest))
    throw invalid(`meter.${field}`, 'is not a field of a meter reference');
  if (typeof id !== 'string') throw invalid('meter.id', 'must be a meter id');
  const meter = findMeterById({ context, id });
  if (filters !== undefined) {
    if (typeof filters !== 'object' || filters === null || Array.isArray(filters))
      throw invalid('meter.filters', 'must be an object of dimension filters');
    for (const key of Object.keys(filters)) {
      if (!meter.groupByKeys.includes(key))
        throw invalid(`meter.filters.${key}`, `is not a dimension of meter ${meter.meter.slug}`);
    }
  }
  return meter;
}

function readUnitCost({
  value,
  meter,
}: {
  value: unknown;
  meter: CompiledMeter | undefined;
}): FeatureUnitCost {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('unit_cost', 'must be an object with type manual or llm');
  const cost = value as Record<string, unknown>;
  if (cost.type === 'manual') {
    for (const field of Object.keys(cost)) {
      if (field !== 'type' && field !== 'amount')
        throw invalid(`unit_cost.${field}`, 'is not a field of a manual unit cost');
    }
    if (typeof cost.amount !== 'string' || !NUMERIC.test(cost.amount))
      throw invalid('unit_cost.amount', 'must be a decimal string (USD per unit)');
    return cost as FeatureUnitCost;
  }
  if (cost.type !== 'llm') throw invalid('unit_cost.type', 'must be manual or llm');
  const known = new Set(['type', ...LLM_FIELDS.flat()]);
  for (const field of Object.keys(cost)) {
    if (!known.has(field))
      throw invalid(`unit_cost.${field}`, 'is not a field of an LLM unit cost');
  }
  for (const [fixed, property] of LLM_FIELDS) {
    const hasFixed = cost[fixed] !== undefined;
    const hasProperty = cost[property] !== undefined;
    if (hasFixed === hasProperty) {
      throw invalid(
        `unit_cost.${property}`,
        `give either ${fixed} (a value) or ${property} (a meter dimension), not both or neither`,
      );
    }
    const given = cost[hasFixed ? fixed : property];
    if (typeof given !== 'string' || given === '')
      throw invalid(`unit_cost.${hasFixed ? fixed : property}`, 'must be a non-empty string');
    if (hasProperty && !meter?.groupByKeys.includes(given)) {
      throw invalid(
        `unit_cost.${property}`,
        meter
          ? `${given} is not a dimension of meter ${meter.meter.slug}`
          : 'needs the feature to have a meter',
      );
    }
    if (fixed === 'token_type' && hasFixed && !TOKEN_TYPES.includes(given))
      throw invalid('unit_cost.token_type', `must be one of ${TOKEN_TYPES.join(', ')}`);
  }
  return cost as FeatureUnitCost;
}

// The spec's `pricing` is read-only and resolved "when the provider and model can be
// determined, either from static values or from meter group-by filters with exact matches".
function withPricing({ context, feature }: { context: RouteContext; feature: Feature }): Feature {
  // openapi-typescript drops the discriminator of the `allOf`-wrapped unit cost.
  const cost = feature.unit_cost as FeatureUnitCost | undefined;
  if (cost?.type !== 'llm') return feature;
  const exact = (property: string | undefined) => {
    const filter = property === undefined ? undefined : feature.meter?.filters?.[property];
    return typeof filter?.eq === 'string' ? filter.eq : undefined;
  };
  const provider = cost.provider ?? exact(cost.provider_property);
  const model = cost.model ?? exact(cost.model_property);
  if (provider === undefined || model === undefined) return feature;
  const price = findLlmCostPrice({
    store: context.store.llmCost,
    provider,
    model,
    at: context.now(),
  });
  if (!price) return feature;
  const priced: FeatureLlmUnitCost = { ...cost, pricing: price.pricing };
  return { ...feature, unit_cost: priced as Feature['unit_cost'] };
}

function invalid(field: string, reason: string): HttpProblem {
  return new HttpProblem(400, `Invalid feature: ${field} ${reason}`, {
    extensions: { invalid_parameters: [{ field, reason, source: 'body' }] },
  });
}
