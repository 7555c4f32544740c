import type { MeterQueryResult as MeterQueryResultV3 } from '@llm-meter/openmeter-client/v3';
import { safeParseMeterCreate } from '../../meters/parse-meter-create.js';
import { MeterConflictError } from '../../storage/open-meter-store.js';
import { findMeterOrThrow } from '../handle-meters.js';
import { HttpProblem } from '../http-problem.js';
import { readJsonObject } from '../read-json-object.js';
import type { Reply, RouteContext } from '../reply.js';
import { convertMeterToV3, convertV3MeterCreate } from './convert-v3-meter.js';
import { readV3FilterEquals, readV3Page, replyV3Page } from './page-v3-list.js';
import { parseDeepObject } from './parse-deep-object.js';
import { runV3MeterQuery } from './run-v3-meter-query.js';

/**
 * `GET /api/v3/openmeter/meters`: active meters, oldest first, `filter[key]` and `filter[name]`
 * (a string or `eq`), paged by `page[number]` and `page[size]` (default 100).
 */
export function handleV3ListMeters({ url, store }: RouteContext): Reply {
  const page = readV3Page({ url });
  const filter = parseDeepObject({ url, name: 'filter' });
  const equals = (name: 'key' | 'name') => {
    const value = filter[name];
    return value === undefined ? undefined : readV3FilterEquals({ name, value });
  };
  for (const name of Object.keys(filter)) {
    if (name !== 'key' && name !== 'name') {
      throw new HttpProblem(400, `filter[${name}] is not a filter of meters: use key or name`);
    }
  }
  const key = equals('key');
  const name = equals('name');
  const meters = store
    .listMeters()
    .map(convertMeterToV3)
    .filter(
      (meter) =>
        (key === undefined || meter.key === key) && (name === undefined || meter.name === name),
    );
  return replyV3Page({ items: meters, page });
}

/** `POST /api/v3/openmeter/meters`: 201 with the meter; 400 invalid, 409 key taken. */
export async function handleV3CreateMeter({ request, store }: RouteContext): Promise<Reply> {
  const body = await readJsonObject({ request, name: 'CreateMeterRequest' });
  const parsed = safeParseMeterCreate(convertV3MeterCreate(body));
  if (!parsed.success) {
    throw new HttpProblem(400, `Invalid meter: ${parsed.errors.join('; ')}`, {
      extensions: {
        invalid_parameters: parsed.errors.map((reason) => ({
          field: 'body',
          reason,
          source: 'body',
        })),
      },
    });
  }
  try {
    const meter = store.createMeter({ definition: parsed.value, origin: 'api' });
    return { status: 201, body: convertMeterToV3(meter) };
  } catch (error) {
    if (error instanceof MeterConflictError)
      throw new HttpProblem(409, error.message, { cause: error });
    throw error;
  }
}

/** `GET /api/v3/openmeter/meters/{meterId}`. */
export function handleV3GetMeter({ store, parameters }: RouteContext): Reply {
  const meter = findV3Meter({ store, meterId: parameters.meterId as string });
  return { status: 200, body: convertMeterToV3(meter.meter) };
}

/** `DELETE /api/v3/openmeter/meters/{meterId}`: 204; the events stay. */
export function handleV3DeleteMeter({ store, parameters }: RouteContext): Reply {
  const meter = findV3Meter({ store, meterId: parameters.meterId as string });
  store.deleteMeter(meter.meter.id);
  return { status: 204 };
}

/** `POST /api/v3/openmeter/meters/{meterId}/query`: JSON, or CSV for `Accept: text/csv`. */
export async function handleV3QueryMeter(context: RouteContext): Promise<Reply> {
  const meter = findV3Meter({
    store: context.store,
    meterId: context.parameters.meterId as string,
  });
  const body = await readJsonObject({ request: context.request, name: 'MeterQueryRequest' });
  const { result, groupBy } = await runV3MeterQuery({ context, meter, body });
  if ((context.request.headers.get('accept') ?? '').toLowerCase().includes('text/csv')) {
    return {
      status: 200,
      contentType: 'text/csv; charset=utf-8',
      body: formatCsv({ result, groupBy }),
    };
  }
  return { status: 200, body: result };
}

// Meters are addressed by ULID in v3; a key is found with filter[key].
function findV3Meter({ store, meterId }: { store: RouteContext['store']; meterId: string }) {
  const meter = findMeterOrThrow({ store, idOrSlug: meterId });
  if (meter.meter.id !== meterId) {
    throw new HttpProblem(
      404,
      `Meter ${meterId} not found: v3 addresses meters by id; find one by key with GET /api/v3/openmeter/meters?filter[key]=${meterId}.`,
    );
  }
  return meter;
}

function formatCsv({ result, groupBy }: { result: MeterQueryResultV3; groupBy: string[] }): string {
  const quote = (text: string) =>
    /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  const lines = [['from', 'to', ...groupBy, 'value'].join(',')];
  for (const row of result.data) {
    lines.push(
      [row.from, row.to, ...groupBy.map((key) => row.dimensions[key] ?? ''), row.value]
        .map(quote)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
