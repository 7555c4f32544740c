import {
  type MeterQueryParams,
  OpenMeterError,
  type OpenMeterMeterReader,
} from '@llm-meter/openmeter-client';
import type { UsageTableRow } from './format-usage-table.js';
import { optionalUsageTableMeters, usageTableMeters } from './start-services.js';

/**
 * Queries the LLM token meters by subject, model and served tier (and provider), per day
 * (windowSize DAY, UTC), and joins them into table rows sorted by day, subject, model and tier.
 * `service_tier` and `provider` are grouped by only when every meter read carries them (the
 * shipped meters do; meters created before may not). Cache writes are read from
 * `llm_cache_write_tokens` and their 1-hour part from `llm_cache_write_1h_tokens` when those
 * meters exist (rows then carry `cache_write_tokens`, `cache_write_1h_tokens`).
 * `from` and `to` bound the windows (`to` excluded), `subjects` keeps those subjects only.
 */
export async function queryUsageTable({
  client,
  from,
  to,
  subjects,
  onQuery,
}: {
  client: OpenMeterMeterReader;
  /** Told each meter query before it is sent (a dashboard shows them beside its numbers). */
  onQuery?:
    | ((query: { meter: string; column: keyof UsageTableRow; params: MeterQueryParams }) => void)
    | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  subjects?: string[] | undefined;
}): Promise<UsageTableRow[]> {
  type Column = keyof typeof usageTableMeters | keyof typeof optionalUsageTableMeters;
  const required = Object.entries(usageTableMeters) as Array<[Column, string]>;
  const optional = Object.entries(optionalUsageTableMeters) as Array<[Column, string]>;
  const found = await Promise.all(
    [...required, ...optional].map(([, slug], index) =>
      client.meters.get(slug).catch((error: unknown) => {
        // A deployment without an optional meter reads the table without its column.
        if (index >= required.length && error instanceof OpenMeterError && error.status === 404)
          return undefined;
        throw error;
      }),
    ),
  );
  const entries = [...required, ...optional].filter((_, index) => found[index] !== undefined);
  const definitions = found.filter((meter) => meter !== undefined);
  // Every row carries each optional column read (0 where a row has none of it).
  const optionalColumns = entries.slice(required.length).map(([column]) => [column, 0] as const);
  const carries = (name: string) =>
    definitions.every((meter) => Object.hasOwn(meter.groupBy ?? {}, name));
  const byTier = carries('service_tier');
  const byProvider = carries('provider');
  const params: MeterQueryParams = {
    windowSize: 'DAY',
    windowTimeZone: 'UTC',
    groupBy: [
      'subject',
      'model',
      ...(byTier ? ['service_tier'] : []),
      ...(byProvider ? ['provider'] : []),
    ],
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(subjects ? { subject: subjects } : {}),
  };
  const rows = new Map<string, UsageTableRow>();
  const results = await Promise.all(
    entries.map(([column, slug]) => {
      onQuery?.({ meter: slug, column, params });
      return client.meters.query(slug, params);
    }),
  );
  entries.forEach(([column], index) => {
    for (const item of results[index]?.data ?? []) {
      const group = item.groupBy ?? {};
      const text = (name: string) => {
        const value = group[name];
        return value === null || value === undefined || value === '' ? undefined : String(value);
      };
      const day = item.windowStart.slice(0, 10);
      const subject = item.subject ?? '';
      const model = text('model') ?? '';
      const serviceTier = text('service_tier');
      const provider = text('provider');
      const key = [day, subject, model, serviceTier ?? '', provider ?? ''].join('\u0000');
      let row = rows.get(key);
      if (!row) {
        row = {
          day,
          subject,
          model,
          serviceTier,
          provider,
          prompt_tokens: 0,
          cached_tokens: 0,
          ...Object.fromEntries(optionalColumns),
          completion_tokens: 0,
          total_tokens: 0,
        };
        rows.set(key, row);
      }
      row[column] = (row[column] ?? 0) + item.value;
    }
  });
  return [...rows.values()].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.subject.localeCompare(b.subject) ||
      a.model.localeCompare(b.model) ||
      (a.serviceTier ?? '').localeCompare(b.serviceTier ?? '') ||
      (a.provider ?? '').localeCompare(b.provider ?? ''),
  );
}
