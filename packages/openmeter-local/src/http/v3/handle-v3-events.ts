import type { MeteringIngestedEvent } from '@llm-meter/openmeter-client/v3';
import { parseRfc3339 } from '../../events/parse-rfc3339.js';
import type { EventValidationIssue } from '../../events/validate-event.js';
import type { EventCondition, EventPageQuery } from '../../storage/page-stored-events.js';
import { pageStoredEvents } from '../../storage/page-stored-events.js';
import { handleIngestEvents } from '../handle-events.js';
import { HttpProblem } from '../http-problem.js';
import type { Reply, RouteContext } from '../reply.js';
import { type DeepObject, parseDeepObject } from './parse-deep-object.js';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1_000;
const STRING_FIELDS = { id: 'id', source: 'source', subject: 'subject', type: 'type' } as const;
const TIME_FIELDS = {
  time: 'time_ms',
  ingested_at: 'ingested_at_ms',
  stored_at: 'stored_at_ms',
} as const;
const STRING_OPERATORS = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  contains: 'contains',
} as const;
const TIME_OPERATORS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * `POST /api/v3/openmeter/events`: the v1 ingest (one event, a batch, or `application/json`
 * holding either; all valid or none stored; duplicates on (source, id) accepted and ignored),
 * answered 202 as the v3 spec says.
 */
export async function handleV3IngestEvents(context: RouteContext): Promise<Reply> {
  try {
    await handleIngestEvents(context);
  } catch (error) {
    const issues = error instanceof HttpProblem ? error.extensions?.validationErrors : undefined;
    if (!(error instanceof HttpProblem) || !Array.isArray(issues)) throw error;
    // v3's 400 lists what is wrong as invalid_parameters.
    throw new HttpProblem(error.status, error.detail, {
      cause: error,
      extensions: {
        invalid_parameters: (issues as EventValidationIssue[]).map((issue) => ({
          field: `events[${issue.index}]${issue.field ? `.${issue.field}` : ''}`,
          reason: issue.message,
          source: 'body',
        })),
      },
    });
  }
  return { status: 202 };
}

/**
 * `GET /api/v3/openmeter/events`: stored events, newest first by default (`sort`: `time`,
 * `ingested_at` or `stored_at`, `asc` or `desc`), filtered by `filter[...]` objects (id, source,
 * subject, type: a string or eq, neq, contains, oeq, gt, gte, lt, lte; time, ingested_at,
 * stored_at: a date-time or eq, gt, gte, lt, lte; customer_id: the customer's subjects), paged by
 * cursor (`page[size]`, `page[after]`; `meta.page.next` is the path of the next page, null on
 * the last).
 */
export function handleV3ListEvents({ url, store }: RouteContext): Reply {
  const page = parseDeepObject({ url, name: 'page' });
  const filter = parseDeepObject({ url, name: 'filter' });
  const size = parsePageSize(page.size);
  if (page.before !== undefined) {
    throw new HttpProblem(
      400,
      'page[before] is not supported by openmeter-local: page forward with page[after].',
    );
  }
  const { sortColumn, descending } = parseSort(url.searchParams.get('sort'));
  const query: EventPageQuery = {
    conditions: parseConditions({ filter, store }),
    sortColumn,
    descending,
    size,
    after: typeof page.after === 'string' ? parseCursor(page.after) : undefined,
  };
  const { events, hasMore } = pageStoredEvents({ database: store.database, query });
  const data: MeteringIngestedEvent[] = events.map((stored) => {
    const customer = store.customers.resolveSubject(stored.event.subject);
    return {
      event: stored.event as MeteringIngestedEvent['event'],
      ...(customer ? { customer: { id: customer.id } } : {}),
      ingested_at: new Date(stored.ingestedAtMilliseconds).toISOString(),
      stored_at: new Date(stored.storedAtMilliseconds).toISOString(),
      ...(stored.validationErrors.length > 0
        ? {
            validation_errors: stored.validationErrors.map((message) => ({
              code: 'meter_value_invalid',
              message,
            })),
          }
        : {}),
    };
  });
  const last = events.at(-1);
  let next: string | null = null;
  if (hasMore && last) {
    const nextUrl = new URL(url);
    nextUrl.searchParams.set('page[after]', createCursor(last));
    nextUrl.searchParams.set('page[size]', String(size));
    next = `${nextUrl.pathname}${nextUrl.search}`;
  }
  return { status: 200, body: { data, meta: { page: { size, next, previous: null } } } };
}

function parsePageSize(value: string | DeepObject | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const size = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new HttpProblem(400, `page[size] must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

function parseSort(text: string | null): Pick<EventPageQuery, 'sortColumn' | 'descending'> {
  if (text === null || text.trim() === '') return { sortColumn: 'time_ms', descending: true };
  const [field, order, extra] = text.trim().split(/\s+/);
  const column = TIME_FIELDS[field as keyof typeof TIME_FIELDS];
  if (
    !column ||
    extra !== undefined ||
    (order !== undefined && order !== 'asc' && order !== 'desc')
  ) {
    throw new HttpProblem(
      400,
      `sort must be time, ingested_at or stored_at, optionally followed by asc or desc; got ${JSON.stringify(text)}`,
    );
  }
  // The v3 spec: "When a sort field is provided without a suffix, it sorts descending."
  return { sortColumn: column, descending: order !== 'asc' };
}

function parseConditions({
  filter,
  store,
}: {
  filter: DeepObject;
  store: RouteContext['store'];
}): EventCondition[] {
  const conditions: EventCondition[] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (field in STRING_FIELDS) {
      const column = STRING_FIELDS[field as keyof typeof STRING_FIELDS];
      conditions.push(...parseStringFilter({ field, column, value }));
    } else if (field in TIME_FIELDS) {
      const column = TIME_FIELDS[field as keyof typeof TIME_FIELDS];
      conditions.push(...parseTimeFilter({ field, column, value }));
    } else if (field === 'customer_id') {
      const ids =
        typeof value === 'string'
          ? [value]
          : Object.keys(value).length === 1 && typeof value.eq === 'string'
            ? [value.eq]
            : Object.keys(value).length === 1 && typeof value.oeq === 'string'
              ? value.oeq.split(',')
              : undefined;
      if (!ids) throw new HttpProblem(400, 'filter[customer_id] takes a ULID, eq or oeq');
      const subjects = ids.flatMap((id) => {
        const customer = store.customers.get(id.trim());
        return customer ? store.customers.subjectsOf(customer) : [];
      });
      conditions.push({ column: 'subject', operator: 'in', value: subjects });
    } else {
      throw new HttpProblem(
        400,
        `filter[${field}] is not a filter of events: use id, source, subject, type, customer_id, time, ingested_at or stored_at`,
      );
    }
  }
  return conditions;
}

function parseStringFilter({
  field,
  column,
  value,
}: {
  field: string;
  column: EventCondition['column'];
  value: string | DeepObject;
}): EventCondition[] {
  if (typeof value === 'string') return [{ column, operator: '=', value }];
  return Object.entries(value).map(([operator, operand]) => {
    if (typeof operand !== 'string') {
      throw new HttpProblem(400, `filter[${field}][${operator}] must be a string`);
    }
    if (operator === 'oeq') return { column, operator: 'in', value: operand.split(',') };
    const sql = STRING_OPERATORS[operator as keyof typeof STRING_OPERATORS];
    if (!sql) {
      throw new HttpProblem(
        400,
        `filter[${field}][${operator}] is not supported by openmeter-local: use eq, neq, contains, oeq, gt, gte, lt or lte`,
      );
    }
    return { column, operator: sql, value: operand };
  });
}

function parseTimeFilter({
  field,
  column,
  value,
}: {
  field: string;
  column: EventCondition['column'];
  value: string | DeepObject;
}): EventCondition[] {
  const entries = typeof value === 'string' ? [['eq', value] as const] : Object.entries(value);
  return entries.map(([operator, operand]) => {
    const sql = TIME_OPERATORS[operator as keyof typeof TIME_OPERATORS];
    const milliseconds = typeof operand === 'string' ? parseRfc3339(operand) : undefined;
    if (!sql || milliseconds === undefined) {
      throw new HttpProblem(
        400,
        `filter[${field}] takes an RFC 3339 date-time, or eq, gt, gte, lt or lte with one`,
      );
    }
    return { column, operator: sql, value: milliseconds };
  });
}

function createCursor({ sortValue, seq }: { sortValue: number; seq: number }): string {
  return Buffer.from(`${sortValue}:${seq}`).toString('base64url');
}

function parseCursor(cursor: string): { sortValue: number; seq: number } {
  const [sortValue, seq] = Buffer.from(cursor, 'base64url').toString('utf8').split(':').map(Number);
  if (!Number.isSafeInteger(sortValue) || !Number.isSafeInteger(seq)) {
    throw new HttpProblem(
      400,
      'page[after] is not a cursor this server handed out (meta.page.next)',
    );
  }
  return { sortValue: sortValue as number, seq: seq as number };
}
