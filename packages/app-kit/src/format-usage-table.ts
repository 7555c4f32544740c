/** One row of the usage table: a subject's tokens on one model (and day). */
export interface UsageTableRow {
  day: string;
  subject: string;
  model: string;
  input: number;
  cached: number;
  output: number;
  total: number;
}

const columns = ['day', 'subject', 'model', 'input', 'cached', 'output', 'total'] as const;

/** Renders rows as an aligned text table with a totals line; numbers right-aligned. */
export function formatUsageTable(rows: readonly UsageTableRow[]): string {
  if (rows.length === 0) return '(no usage recorded)';
  const sum = (key: 'input' | 'cached' | 'output' | 'total') =>
    rows.reduce((total, row) => total + row[key], 0);
  const cells = [
    [...columns],
    ...rows.map((row) => columns.map((column) => String(row[column]))),
    [
      '',
      'all',
      '',
      String(sum('input')),
      String(sum('cached')),
      String(sum('output')),
      String(sum('total')),
    ],
  ];
  const widths = columns.map((_, index) =>
    Math.max(...cells.map((line) => line[index]?.length ?? 0)),
  );
  const render = (line: string[]) =>
    line
      .map((cell, index) =>
        index >= 3 ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const [header, ...body] = cells;
  const totals = body.pop() ?? [];
  return [render(header ?? []), rule, ...body.map(render), rule, render(totals)].join('\n');
}
