import type { MeterQueryResult } from '../openmeter-types.js';

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Renders a meter query result as CSV: `window_start,window_end,subject,<group-by keys>,value`,
 * one line per row, RFC 4180 quoting.
 */
export function formatMeterQueryCsv({
  result,
  groupBy,
}: {
  result: MeterQueryResult;
  groupBy: string[];
}): string {
  const lines = [
    ['window_start', 'window_end', 'subject', ...groupBy, 'value'].map(quote).join(','),
  ];
  for (const row of result.data) {
    lines.push(
      [
        String(row.windowStart),
        String(row.windowEnd),
        row.subject ?? '',
        ...groupBy.map((key) => row.groupBy[key] ?? ''),
        String(row.value),
      ]
        .map(quote)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
