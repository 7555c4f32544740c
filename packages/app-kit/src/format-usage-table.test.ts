import { expect, test } from 'vitest';
import { formatUsageTable } from './format-usage-table.js';

test('aligns columns, right-aligns numbers and adds a totals line', () => {
  const table = formatUsageTable([
    {
      day: '2026-11-27',
      subject: 'customer-acme',
      model: 'gpt-4o-mini',
      input: 1200,
      cached: 1024,
      output: 35,
      total: 1235,
    },
    {
      day: '2026-11-27',
      subject: 'b',
      model: 'gpt-4.1-mini-2025-04-14',
      input: 9,
      cached: 0,
      output: 10,
      total: 19,
    },
  ]);
  expect(`\n${table}`).toMatchInlineSnapshot(`
    "
    day         subject        model                    input  cached  output  total
    ----------  -------------  -----------------------  -----  ------  ------  -----
    2026-11-27  customer-acme  gpt-4o-mini               1200    1024      35   1235
    2026-11-27  b              gpt-4.1-mini-2025-04-14      9       0      10     19
    ----------  -------------  -----------------------  -----  ------  ------  -----
                all                                      1209    1024      45   1254"
  `);
});

test('says so when there is no usage', () => {
  expect(formatUsageTable([])).toBe('(no usage recorded)');
});
