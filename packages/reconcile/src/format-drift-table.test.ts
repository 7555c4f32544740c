import { describe, expect, it } from 'vitest';
import type { DriftRow } from './compare-usage.js';
import { formatDriftTable } from './format-drift-table.js';

const key = {
  day: '2026-12-01',
  model: 'gpt-4o-mini-2024-07-18',
  serviceTier: 'default',
  projectId: '*',
  apiKeyId: '*',
};

describe('formatDriftTable', () => {
  it('aligns the table, marks rows past the threshold and shows estimates and settlements', () => {
    const rows: DriftRow[] = [
      {
        ...key,
        metric: 'input',
        metered: 26,
        reported: 26,
        difference: 0,
        percent: 0,
        estimated: 15,
        settled: 0,
      },
      {
        ...key,
        metric: 'output',
        metered: 60,
        reported: 60,
        difference: 0,
        percent: 0,
        estimated: 7,
        settled: 53,
      },
      {
        ...key,
        model: 'o4-mini-2025-04-16',
        serviceTier: 'flex',
        metric: 'output',
        metered: 3,
        reported: 0,
        difference: 3,
        percent: null,
        estimated: 0,
        settled: 0,
      },
      {
        ...key,
        model: '*',
        serviceTier: '*',
        metric: 'cost_usd',
        metered: 0.00034,
        reported: 0.000354,
        difference: -0.000014,
        percent: -3.95,
        estimated: 0,
        settled: 0,
      },
    ];
    expect(
      formatDriftTable({
        rows,
        dimensions: { serviceTier: true, projectId: false, apiKeyId: false },
        threshold: 1,
      }),
    ).toMatchInlineSnapshot(`
      "day         model                   tier     metric      metered     openai  difference       %     estimated  settled
      ----------  ----------------------  -------  --------  ---------  ---------  ----------  ------  -  ---------  -------
      2026-12-01  gpt-4o-mini-2024-07-18  default  input            26         26           0   0.00%            15
      2026-12-01  gpt-4o-mini-2024-07-18  default  output           60         60           0   0.00%             7      +53
      2026-12-01  o4-mini-2025-04-16      flex     output            3          0          +3     n/a  !
      2026-12-01  *                       *        cost_usd  $0.000340  $0.000354  -$0.000014  -3.95%  !"
    `);
  });
});
