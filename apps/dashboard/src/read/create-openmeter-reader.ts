import { queryUsageTable, type UsageTableRow, usageTableMeters } from '@llm-meter/app-kit';
import {
  type MeterQueryParams,
  type MeterQueryRow,
  OpenMeterError,
  serializeQuery,
} from '@llm-meter/openmeter-client';
import type {
  AttributedCustomer,
  EntitlementBalance,
  ListedEvent,
  OpenMeterReadApi,
} from './open-meter-read-api.js';
import type { ShownQuery } from './shown-query.js';

export type { EntitlementBalance } from './open-meter-read-api.js';

/** A range of UTC days, both included, as `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
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
  /** Undefined where the API serves no entitlement balances (v3 on Kong Konnect). */
  entitlements: EntitlementBalance[] | undefined;
  /**
   * Calls the budget gate refused by requested model (`llm_budget_refusals`); undefined when the
   * OpenMeter read has no such meter.
   */
  refusals: Array<{ model: string | undefined; refusals: number }> | undefined;
  events: ListedEvent[];
  /**
   * The OpenMeter customer the subject is attributed to, on v3 (null: none); undefined on v1,
   * which has no customers in this sense.
   */
  customer: AttributedCustomer | null | undefined;
  queries: {
    rows: ShownQuery[];
    reasoning: ShownQuery;
    /** Undefined when the meter is missing (on v3, its id cannot be shown). */
    refusals: ShownQuery | undefined;
    entitlements: ShownQuery | undefined;
    events: ShownQuery;
    customer: ShownQuery | undefined;
  };
}

/** Reads what the dashboard shows from OpenMeter's API. */
export interface OpenMeterReader {
  /** The API read: `v1`, or `v3` (`OPENMETER_API_VERSION=v3`, or a Kong Konnect URL). */
  apiVersion: OpenMeterReadApi['apiVersion'];
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
 * Reads the dashboard's data through OpenMeter's v1 or v3 API (`api`: meter queries, events,
 * entitlement values, v3's customers), the same questions on either, each shown as the query
 * that answered it: the queries of a page run in parallel, and each answer is kept `cacheMs`
 * (default 10 s) so reloads and the pages' shared queries reach OpenMeter once. Needs a key that
 * may read meters, events, entitlements (and customers on v3); it writes nothing.
 * @see https://openmeter.io/docs/api/cloud#tag/meters/operation/queryMeter
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function createOpenMeterReader({
  api,
  cacheMs = 10_000,
  elapsedMs = () => performance.now(),
}: {
  /** `createV1ReadApi` or `createV3ReadApi`. */
  api: OpenMeterReadApi;
  cacheMs?: number | undefined;
  /** A monotonic clock in milliseconds (durations only). Default `performance.now()`. */
  elapsedMs?: (() => number) | undefined;
}): OpenMeterReader {
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
  const client = api.meters;
  const showMeterQuery = (input: { id: string; meter: string; params: MeterQueryParams }) =>
    api.showMeterQuery(input);

  const readRows = ({ range, subject }: { range: DayRange; subject?: string }) =>
    cached(`rows:${range.from}:${range.to}:${subject ?? ''}`, async () => {
      const shown: Array<Promise<ShownQuery>> = [];
      const rows = await queryUsageTable({
        client,
        ...convertDayRange(range),
        subjects: subject === undefined ? undefined : [subject],
        onQuery: ({ meter, column, params }) =>
          shown.push(showMeterQuery({ id: `q-${column}`, meter, params })),
      });
      return { rows, queries: await Promise.all(shown) };
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
    apiVersion: api.apiVersion,
    async readOverview(range) {
      const sourceParams: MeterQueryParams = {
        ...convertDayRange(range),
        groupBy: ['usage_source'],
      };
      const [{ rows, queries }, sourceRows, sourceQuery] = await Promise.all([
        readRows({ range }),
        sumGroups({ meter: overviewMeters.total, params: sourceParams }),
        showMeterQuery({ id: 'q-sources', meter: overviewMeters.total, params: sourceParams }),
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
          sources: sourceQuery,
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
      const events = api.listEvents({ subject, ...convertDayRange(range), limit: 20 });
      const entitlements = api.readEntitlements({ subject });
      const customer = api.findCustomer({ subject });
      const refusalParams: MeterQueryParams = {
        ...convertDayRange(range),
        subject: [subject],
        groupBy: ['requested_model'],
      };
      const [
        { rows, queries },
        reasoningRows,
        refusalRows,
        entitlementBalances,
        listedEvents,
        attributed,
        reasoningQuery,
        refusalQuery,
      ] = await Promise.all([
        readRows({ range, subject }),
        sumGroups({ meter: overviewMeters.reasoning, params: reasoningParams }),
        // A meter created before refusals were counted may be missing: shown as not metered.
        sumGroups({ meter: overviewMeters.refusals, params: refusalParams }).catch(
          (error: unknown) => {
            if (error instanceof OpenMeterError && error.status === 404) return undefined;
            throw error;
          },
        ),
        entitlements && cached(`entitlements:${subject}`, entitlements.load),
        cached(`events:${subject}:${range.from}:${range.to}`, events.load),
        customer && cached(`customer:${subject}`, customer.load),
        showMeterQuery({
          id: 'q-reasoning',
          meter: overviewMeters.reasoning,
          params: reasoningParams,
        }),
        showMeterQuery({
          id: 'q-refusals',
          meter: overviewMeters.refusals,
          params: refusalParams,
        }).catch((error: unknown) => {
          if (error instanceof OpenMeterError && error.status === 404) return undefined;
          throw error;
        }),
      ]);
      return {
        rows,
        reasoning: reasoningRows.map((row) => ({
          model: String(row.groupBy?.model ?? ''),
          tokens: row.value,
        })),
        entitlements: entitlementBalances,
        refusals: refusalRows?.map((row) => {
          const model = row.groupBy?.requested_model;
          return {
            model:
              model === null || model === undefined || model === '' ? undefined : String(model),
            refusals: row.value,
          };
        }),
        events: listedEvents,
        customer: attributed,
        queries: {
          rows: queries,
          refusals: refusalQuery,
          reasoning: reasoningQuery,
          entitlements: entitlements?.query,
          events: events.query,
          customer: customer?.query,
        },
      };
    },
  };
}
