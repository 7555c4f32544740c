import { queryUsageTable, type UsageTableRow, usageTableMeters } from '@llm-meter/app-kit';
import {
  type IngestedEvent,
  type MeterQueryParams,
  type MeterQueryRow,
  type OpenMeterClient,
  OpenMeterError,
  serializeQuery,
} from '@llm-meter/openmeter-client';
import type { ShownQuery } from './shown-query.js';

/** A range of UTC days, both included, as `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

/** A subject's balance of one metered entitlement (its budget), as OpenMeter answers `/value`. */
export interface EntitlementBalance {
  featureKey: string;
  hasAccess: boolean;
  balance: number | undefined;
  usage: number | undefined;
  overage: number | undefined;
}

/** What the overview page shows, with the queries it came from. */
export interface OverviewData {
  rows: UsageTableRow[];
  /** Total tokens by `usage_source` (`provider`, `estimated`, `settled`; absent: none given). */
  sources: Array<{ usageSource: string | undefined; tokens: number }>;
  /** The queries of `rows` (one per meter), then of `sources`. */
  queries: { rows: ShownQuery[]; sources: ShownQuery };
}

/** What the customer page shows, with the queries it came from. */
export interface CustomerData {
  rows: UsageTableRow[];
  reasoning: Array<{ model: string; tokens: number }>;
  entitlements: EntitlementBalance[];
  /**
   * Calls the budget gate refused by requested model (`llm_budget_refusals`); undefined when the
   * OpenMeter read has no such meter.
   */
  refusals: Array<{ model: string | undefined; refusals: number }> | undefined;
  events: IngestedEvent[];
  queries: {
    rows: ShownQuery[];
    reasoning: ShownQuery;
    refusals: ShownQuery;
    entitlements: ShownQuery;
    events: ShownQuery;
  };
}

/** Reads what the dashboard shows from OpenMeter's API. */
export interface OpenMeterReader {
  readOverview(range: DayRange): Promise<OverviewData>;
  readCustomer(input: DayRange & { subject: string }): Promise<CustomerData>;
}

/** The meter the usage-source shares and the reasoning column read. */
export const overviewMeters = {
  total: usageTableMeters.total_tokens,
  reasoning: 'llm_reasoning_tokens',
  refusals: 'llm_budget_refusals',
} as const;

/** `[from 00:00 UTC, the day after to 00:00 UTC)`: the windows of an inclusive day range. */
function convertDayRange({ from, to }: DayRange): { from: Date; to: Date } {
  const end = new Date(`${to}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { from: new Date(`${from}T00:00:00.000Z`), to: end };
}

/**
 * Reads the dashboard's data through OpenMeter's v1 API (meter queries, events, entitlement
 * values): the queries of a page run in parallel, and each answer is kept `cacheMs` (default
 * 10 s) so reloads and the pages' shared queries reach OpenMeter once. Needs a key that may read
 * meters, events and entitlements; it writes nothing.
 * @see https://openmeter.io/docs/api/cloud#tag/meters/operation/queryMeter
 */
export function createOpenMeterReader({
  client,
  baseUrl,
  cacheMs = 10_000,
  elapsedMs = () => performance.now(),
}: {
  client: OpenMeterClient;
  /** OpenMeter's base URL, to show each query in full. */
  baseUrl: string;
  cacheMs?: number | undefined;
  /** A monotonic clock in milliseconds (durations only). Default `performance.now()`. */
  elapsedMs?: (() => number) | undefined;
}): OpenMeterReader {
  const root = baseUrl.replace(/\/+$/, '');
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  const cached = <Value>(key: string, load: () => Promise<Value>): Promise<Value> => {
    const now = elapsedMs();
    for (const [entry, { at }] of cache) if (now - at >= cacheMs) cache.delete(entry);
    const hit = cache.get(key);
    if (hit) return hit.value as Promise<Value>;
    const value = load();
    // A pending answer is shared; an answer is kept cacheMs from when it arrived (a slow query
    // would otherwise expire before it is used).
    const entry = { at: Number.POSITIVE_INFINITY, value: value as Promise<unknown> };
    cache.set(key, entry);
    value.then(
      () => {
        entry.at = elapsedMs();
      },
      // A failure is not kept: the next load asks again.
      () => cache.delete(key),
    );
    return value;
  };
  const show = ({
    id,
    path,
    query,
  }: {
    id: string;
    path: string;
    query: Record<string, unknown>;
  }) => {
    const search = serializeQuery(query);
    return { id, method: 'GET' as const, url: `${root}${path}${search ? `?${search}` : ''}` };
  };
  const showMeterQuery = ({
    id,
    meter,
    params,
  }: {
    id: string;
    meter: string;
    params: MeterQueryParams;
  }) => show({ id, path: `/api/v1/meters/${encodeURIComponent(meter)}/query`, query: params });

  const readRows = ({ range, subject }: { range: DayRange; subject?: string }) =>
    cached(`rows:${range.from}:${range.to}:${subject ?? ''}`, async () => {
      const queries: ShownQuery[] = [];
      const rows = await queryUsageTable({
        client,
        ...convertDayRange(range),
        subjects: subject === undefined ? undefined : [subject],
        onQuery: ({ meter, column, params }) =>
          queries.push(showMeterQuery({ id: `q-${column}`, meter, params })),
      });
      return { rows, queries };
    });

  const sumGroups = async ({
    meter,
    params,
  }: {
    meter: string;
    params: MeterQueryParams;
  }): Promise<MeterQueryRow[]> =>
    cached(
      `query:${meter}:${serializeQuery(params)}`,
      async () => (await client.meters.query(meter, params)).data,
    );

  return {
    async readOverview(range) {
      const sourceParams: MeterQueryParams = {
        ...convertDayRange(range),
        groupBy: ['usage_source'],
      };
      const [{ rows, queries }, sourceRows] = await Promise.all([
        readRows({ range }),
        sumGroups({ meter: overviewMeters.total, params: sourceParams }),
      ]);
      const sources = new Map<string | undefined, number>();
      for (const row of sourceRows) {
        const value = row.groupBy?.usage_source;
        const key =
          value === null || value === undefined || value === '' ? undefined : String(value);
        sources.set(key, (sources.get(key) ?? 0) + row.value);
      }
      return {
        rows,
        sources: [...sources].map(([usageSource, tokens]) => ({ usageSource, tokens })),
        queries: {
          rows: queries,
          sources: showMeterQuery({
            id: 'q-sources',
            meter: overviewMeters.total,
            params: sourceParams,
          }),
        },
      };
    },
    async readCustomer({ subject, ...range }) {
      const reasoningParams: MeterQueryParams = {
        ...convertDayRange(range),
        subject: [subject],
        groupBy: ['model'],
      };
      // OpenMeter lists the last 24 hours unless given a range: the page's range.
      const eventsQuery = { subject, ...convertDayRange(range), limit: 20 };
      const entitlementsPath = `/api/v1/subjects/${encodeURIComponent(subject)}/entitlements`;
      const refusalParams: MeterQueryParams = {
        ...convertDayRange(range),
        subject: [subject],
        groupBy: ['requested_model'],
      };
      const [{ rows, queries }, reasoningRows, refusalRows, entitlements, events] =
        await Promise.all([
          readRows({ range, subject }),
          sumGroups({ meter: overviewMeters.reasoning, params: reasoningParams }),
          // A meter created before refusals were counted may be missing: shown as not metered.
          sumGroups({ meter: overviewMeters.refusals, params: refusalParams }).catch(
            (error: unknown) => {
              if (error instanceof OpenMeterError && error.status === 404) return undefined;
              throw error;
            },
          ),
          cached(`entitlements:${subject}`, () => readEntitlements({ client, subject })),
          cached(`events:${subject}:${range.from}:${range.to}`, () =>
            client.events.list(eventsQuery),
          ),
        ]);
      return {
        rows,
        reasoning: reasoningRows.map((row) => ({
          model: String(row.groupBy?.model ?? ''),
          tokens: row.value,
        })),
        entitlements,
        refusals: refusalRows?.map((row) => {
          const model = row.groupBy?.requested_model;
          return {
            model:
              model === null || model === undefined || model === '' ? undefined : String(model),
            refusals: row.value,
          };
        }),
        events,
        queries: {
          rows: queries,
          refusals: showMeterQuery({
            id: 'q-refusals',
            meter: overviewMeters.refusals,
            params: refusalParams,
          }),
          reasoning: showMeterQuery({
            id: 'q-reasoning',
            meter: overviewMeters.reasoning,
            params: reasoningParams,
          }),
          entitlements: show({ id: 'q-entitlements', path: entitlementsPath, query: {} }),
          events: show({ id: 'q-events', path: '/api/v1/events', query: eventsQuery }),
        },
      };
    },
  };
}

/** The subject's metered entitlements and the balance of each (`GET .../entitlements`, `/value`). */
async function readEntitlements({
  client,
  subject,
}: {
  client: OpenMeterClient;
  subject: string;
}): Promise<EntitlementBalance[]> {
  const listed = await client.raw.GET('/api/v1/subjects/{subjectIdOrKey}/entitlements', {
    params: { path: { subjectIdOrKey: subject } },
  });
  if (!listed.response.ok) {
    throw new Error(
      `GET /api/v1/subjects/${subject}/entitlements answered ${listed.response.status} ${listed.response.statusText}: the dashboard's OpenMeter key needs read access to entitlements`,
    );
  }
  const entitlements = (listed.data ?? []) as Array<{ type?: string; featureKey?: string }>;
  return Promise.all(
    entitlements
      .filter((entitlement) => entitlement.type === 'metered' && entitlement.featureKey)
      .map(async (entitlement) => {
        const featureKey = entitlement.featureKey as string;
        const value = await client.raw.GET(
          '/api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/value',
          { params: { path: { subjectIdOrKey: subject, entitlementIdOrFeatureKey: featureKey } } },
        );
        if (!value.response.ok) {
          throw new Error(
            `GET /api/v1/subjects/${subject}/entitlements/${featureKey}/value answered ${value.response.status} ${value.response.statusText}`,
          );
        }
        const data = (value.data ?? {}) as {
          hasAccess?: boolean;
          balance?: number;
          usage?: number;
          overage?: number;
        };
        return {
          featureKey,
          hasAccess: data.hasAccess === true,
          balance: data.balance,
          usage: data.usage,
          overage: data.overage,
        };
      }),
  );
}
