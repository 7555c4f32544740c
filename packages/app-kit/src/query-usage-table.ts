import type { MeterQueryParams, OpenMeterClient } from '@llm-meter/openmeter-client';
import type { UsageTableRow } from './format-usage-table.js';
import { usageTableMeters } from './start-services.js';

/**
 * Queries the LLM token meters by subject and model, per day (windowSize DAY, UTC), and joins
 * them into table rows sorted by day, subject and model.
 * @see https://openmeter.io/docs/api/cloud#tag/meters/operation/queryMeter
 */
export async function queryUsageTable({
  client,
  from,
  subjects,
}: {
  client: OpenMeterClient;
  from?: Date;
  subjects?: string[];
}): Promise<UsageTableRow[]> {
  const params: MeterQueryParams = {
    windowSize: 'DAY',
    windowTimeZone: 'UTC',
    groupBy: ['subject', 'model'],
    ...(from ? { from } : {}),
    ...(subjects ? { subject: subjects } : {}),
  };
  const rows = new Map<string, UsageTableRow>();
  const entries = Object.entries(usageTableMeters) as Array<
    [keyof typeof usageTableMeters, string]
  >;
  const results = await Promise.all(entries.map(([, slug]) => client.meters.query(slug, params)));
  entries.forEach(([column], index) => {
    for (const item of results[index]?.data ?? []) {
      const day = item.windowStart.slice(0, 10);
      const subject = item.subject ?? '';
      const model = String(item.groupBy?.model ?? '');
      const key = `${day}\u0000${subject}\u0000${model}`;
      let row = rows.get(key);
      if (!row) {
        row = { day, subject, model, input: 0, cached: 0, output: 0, total: 0 };
        rows.set(key, row);
      }
      const field = column === 'prompt' ? 'input' : column === 'completion' ? 'output' : column;
      row[field] += item.value;
    }
  });
  return [...rows.values()].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.subject.localeCompare(b.subject) ||
      a.model.localeCompare(b.model),
  );
}
