import { EntitlementConflictError } from '../entitlements/entitlement-store.js';
import type { Feature } from '../entitlements/entitlement-types.js';
import { createUlid } from '../storage/create-ulid.js';
import { HttpProblem } from './http-problem.js';
import { readJsonObject } from './read-json-object.js';
import type { Reply, RouteContext } from './reply.js';

const KEY = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/**
 * The feature named by the `featureId` path parameter (id or key), or a 404 problem.
 */
export function findFeatureOrThrow({ store, parameters }: RouteContext): Feature {
  const idOrKey = parameters.featureId as string;
  const feature = store.entitlements.findFeature(idOrKey);
  if (!feature) {
    throw new HttpProblem(
      404,
      `Feature ${idOrKey} not found: list features with GET /api/v1/features.`,
    );
  }
  return feature;
}

/**
 * `POST /api/v1/features`: creates a feature (201), optionally tied to a meter (`meterSlug`,
 * `meterGroupByFilters`, `advancedMeterGroupByFilters`); 409 when the key is taken.
 */
export async function handleCreateFeature({ request, store, now }: RouteContext): Promise<Reply> {
  const body = await readJsonObject({ request, name: 'FeatureCreateInputs' });
  const errors: string[] = [];
  if (typeof body.key !== 'string' || !KEY.test(body.key) || body.key.length > 64)
    errors.push('key must be 1-64 lowercase letters, digits and single underscores');
  if (typeof body.name !== 'string' || body.name === '')
    errors.push('name must be a non-empty string');
  if (body.meterSlug !== undefined) {
    if (typeof body.meterSlug !== 'string' || !store.findMeter(body.meterSlug))
      errors.push(`meterSlug ${JSON.stringify(body.meterSlug)} is not an existing meter`);
  }
  const meter = typeof body.meterSlug === 'string' ? store.findMeter(body.meterSlug) : undefined;
  for (const field of ['meterGroupByFilters', 'advancedMeterGroupByFilters'] as const) {
    const filters = body[field];
    if (filters === undefined) continue;
    if (typeof filters !== 'object' || filters === null || Array.isArray(filters) || !meter) {
      errors.push(`${field} must be an object of the meter's group-by keys, with a meterSlug`);
      continue;
    }
    for (const key of Object.keys(filters)) {
      if (!meter.groupByKeys.includes(key))
        errors.push(`${field}.${key} is not a group-by key of meter ${meter.meter.slug}`);
    }
  }
  if (errors.length) throw new HttpProblem(400, `Invalid feature: ${errors.join('; ')}`);
  const moment = now();
  const createdAt = moment.toISOString();
  const feature: Feature = {
    id: createUlid({ time: moment }),
    key: body.key as string,
    name: body.name as string,
    ...(body.meterSlug === undefined ? {} : { meterSlug: body.meterSlug as string }),
    ...(body.meterGroupByFilters === undefined
      ? {}
      : { meterGroupByFilters: body.meterGroupByFilters as Record<string, string> }),
    ...(body.advancedMeterGroupByFilters === undefined
      ? {}
      : {
          advancedMeterGroupByFilters:
            body.advancedMeterGroupByFilters as Feature['advancedMeterGroupByFilters'],
        }),
    ...(body.metadata === undefined ? {} : { metadata: body.metadata as Feature['metadata'] }),
    createdAt,
    updatedAt: createdAt,
  };
  try {
    store.entitlements.createFeature(feature);
  } catch (error) {
    if (error instanceof EntitlementConflictError)
      throw new HttpProblem(409, error.message, { cause: error });
    throw error;
  }
  return { status: 201, body: feature };
}

/**
 * `GET /api/v1/features`: features oldest first (`includeArchived=true` adds archived ones,
 * `meterSlug` filters).
 */
export function handleListFeatures({ url, store }: RouteContext): Reply {
  const meterSlugs = url.searchParams.getAll('meterSlug');
  const features = store.entitlements
    .listFeatures({ includeArchived: url.searchParams.get('includeArchived') === 'true' })
    .filter((feature) => meterSlugs.length === 0 || meterSlugs.includes(feature.meterSlug ?? ''));
  return { status: 200, body: features };
}

/** `GET /api/v1/features/{featureId}` (id or key). */
export function handleGetFeature(context: RouteContext): Reply {
  return { status: 200, body: findFeatureOrThrow(context) };
}

/**
 * `DELETE /api/v1/features/{featureId}`: archives the feature (204).
 */
export function handleDeleteFeature(context: RouteContext): Reply {
  const feature = findFeatureOrThrow(context);
  if (!feature.archivedAt) {
    context.store.entitlements.archiveFeature({ feature, at: context.now().toISOString() });
  }
  return { status: 204 };
}
