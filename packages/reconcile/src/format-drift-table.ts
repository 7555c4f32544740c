import { formatUsd } from '@llm-meter/prices';
import { type DriftRow, isPastThreshold } from './compare-usage.js';
import type { ReconcileDimensions } from './usage-key.js';

/**
 * Renders drift rows as an aligned text table: key columns, the metric, metered, the provider's
 * (headed by its id, `openai` by default),
 * difference and percentage; rows past the threshold are marked `!`, known drift (estimates the
 * provider cannot settle) `~`; the last columns show how
 * many metered tokens are estimates and the corrections settlement made to them.
 */
export function formatDriftTable({
  rows,
  dimensions,
  threshold,
  reportedBy = 'openai',
}: {
  rows: readonly DriftRow[];
  dimensions: ReconcileDimensions;
  threshold: number;
  /** The provider whose figures the `reported` field of the rows holds, for the column header. */
  reportedBy?: string | undefined;
}): string {
  if (rows.length === 0) return '(no usage on either side)';
  const header = [
    'day',
    'model',
    ...(dimensions.serviceTier ? ['tier'] : []),
    ...(dimensions.projectId ? ['project'] : []),
    ...(dimensions.apiKeyId ? ['api key'] : []),
    'metric',
    'metered',
    reportedBy,
    'difference',
    '%',
    '',
    'estimated',
    'settled',
  ];
  const firstNumber = header.indexOf('metered');
  const lines = rows.map((row) => {
    const value = (amount: number) =>
      row.metric === 'cost_usd' ? formatUsd(amount) : String(amount);
    return [
      row.day,
      row.model,
      ...(dimensions.serviceTier ? [row.serviceTier] : []),
      ...(dimensions.projectId ? [row.projectId] : []),
      ...(dimensions.apiKeyId ? [row.apiKeyId] : []),
      row.metric,
      value(row.metered),
      value(row.reported),
      row.difference > 0 ? `+${value(row.difference)}` : value(row.difference),
      row.percent === null ? 'n/a' : `${row.percent.toFixed(2)}%`,
      row.knownDrift === true ? '~' : isPastThreshold({ row, threshold }) ? '!' : '',
      row.estimated > 0 ? String(row.estimated) : '',
      row.settled !== 0 ? (row.settled > 0 ? `+${row.settled}` : String(row.settled)) : '',
    ];
  });
  const cells = [header, ...lines];
  const widths = header.map((_, index) =>
    Math.max(...cells.map((line) => line[index]?.length ?? 0)),
  );
  const render = (line: string[]) =>
    line
      .map((cell, index) =>
        index >= firstNumber && index !== header.length - 3
          ? cell.padStart(widths[index] ?? 0)
          : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [render(header), rule, ...lines.map(render)].join('\n');
}
