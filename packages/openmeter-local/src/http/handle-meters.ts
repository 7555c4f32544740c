import type { CompiledMeter } from '../meters/compile-meter.js';
import { safeParseMeterCreate } from '../meters/parse-meter-create.js';
import type { Meter } from '../openmeter-types.js';
import { MeterConflictError, type OpenMeterStore } from '../storage/open-meter-store.js';
import { HttpProblem } from './http-problem.js';
import { readJsonBody } from './read-body.js';
import { requireJsonMediaType } from './read-json-object.js';
import type { Reply, RouteContext } from './reply.js';

const ORDER_FIELDS = {
  key: (meter: Meter) => meter.slug,
  name: (meter: Meter) => meter.name ?? meter.slug,
  aggregation: (meter: Meter) => meter.aggregation,
  createdAt: (meter: Meter) => String(meter.createdAt),
  updatedAt: (meter: Meter) => String(meter.updatedAt),
} as const;

/**
 * The active meter named by the `meterIdOrSlug` path parameter, or a 404 problem.
 */
export function findMeterOrThrow({
  store,
  idOrSlug,
}: {
  store: OpenMeterStore;
  idOrSlug: string;
}): CompiledMeter {
  const meter = store.findMeter(idOrSlug);
  if (!meter) {
    throw new HttpProblem(404, `Meter ${idOrSlug} not found: list meters with GET /api/v1/meters.`);
  }
  return meter;
}

function parsePositiveInteger({
  url,
  name,
  fallback,
  maximum,
}: {
  url: URL;
  name: string;
  fallback: number;
  maximum: number;
}): number {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > maximum) {
    throw new HttpProblem(400, `${name} must be an integer from 1 to ${maximum}`);
  }
  return value;
}

/**
 * `GET /api/v1/meters`: meters ordered by `orderBy` (key, name, aggregation, createdAt,
 * updatedAt) and `order`, paged by `page`/`pageSize`, deleted ones with `includeDeleted=true`.
 */
export function handleListMeters({ url, store }: RouteContext): Reply {
  const orderBy = url.searchParams.get('orderBy') ?? 'key';
  if (!(orderBy in ORDER_FIELDS)) {
    throw new HttpProblem(400, `orderBy must be one of ${Object.keys(ORDER_FIELDS).join(', ')}`);
  }
  const order = (url.searchParams.get('order') ?? 'ASC').toUpperCase();
  if (order !== 'ASC' && order !== 'DESC') throw new HttpProblem(400, 'order must be ASC or DESC');
  const page = parsePositiveInteger({
    url,
    name: 'page',
    fallback: 1,
    maximum: Number.MAX_SAFE_INTEGER,
  });
  const pageSize = parsePositiveInteger({ url, name: 'pageSize', fallback: 100, maximum: 1000 });
  const field = ORDER_FIELDS[orderBy as keyof typeof ORDER_FIELDS];
  const meters = store
    .listMeters({ includeDeleted: url.searchParams.get('includeDeleted') === 'true' })
    .sort((left, right) => {
      const comparison = field(left) < field(right) ? -1 : field(left) > field(right) ? 1 : 0;
      return order === 'ASC' ? comparison : -comparison;
    });
  return { status: 200, body: meters.slice((page - 1) * pageSize, page * pageSize) };
}

/**
 * `POST /api/v1/meters`: creates a meter (201) that also counts events ingested before it
 * existed. 400 for an invalid definition, 409 when the slug is taken.
 */
export async function handleCreateMeter({ request, store }: RouteContext): Promise<Reply> {
  requireJsonMediaType(request);
  const parsed = safeParseMeterCreate(await readJsonBody(request));
  if (!parsed.success) {
    throw new HttpProblem(400, `Invalid meter: ${parsed.errors.join('; ')}`, {
      extensions: { errors: parsed.errors },
    });
  }
  try {
    return { status: 201, body: store.createMeter({ definition: parsed.value, origin: 'api' }) };
  } catch (error) {
    if (error instanceof MeterConflictError)
      throw new HttpProblem(409, error.message, { cause: error });
    throw error;
  }
}

/** `GET /api/v1/meters/{meterIdOrSlug}`. */
export function handleGetMeter({ store, parameters }: RouteContext): Reply {
  return {
    status: 200,
    body: findMeterOrThrow({ store, idOrSlug: parameters.meterIdOrSlug as string }).meter,
  };
}

/**
 * `DELETE /api/v1/meters/{meterIdOrSlug}`: 204, and the meter's readings are dropped (the events
 * stay).
 */
export function handleDeleteMeter({ store, parameters }: RouteContext): Reply {
  const idOrSlug = parameters.meterIdOrSlug as string;
  findMeterOrThrow({ store, idOrSlug });
  store.deleteMeter(idOrSlug);
  return { status: 204 };
}
