import { describe, expect, it } from 'vitest';
import { priceUsageRow, totalUsageCost } from './price-usage-row.js';

describe('priceUsageRow', () => {
  it('prices a usage-table row and totals rows, counting unpriced ones apart', () => {
    const rows = [
      priceUsageRow({
        day: '2026-11-27',
        model: 'gpt-4.1-mini-2025-04-14',
        usage: { prompt_tokens: 1161, cached_tokens: 1152, completion_tokens: 44 },
      }),
      priceUsageRow({
        day: '2026-11-27',
        model: 'gpt-4o-mini-2024-07-18',
        serviceTier: 'default',
        usage: { prompt_tokens: 1175, cached_tokens: 0, completion_tokens: 53 },
      }),
      priceUsageRow({
        day: '2026-11-27',
        model: 'my-finetune',
        usage: { prompt_tokens: 10, cached_tokens: 0, completion_tokens: 1 },
      }),
    ];
    // gpt-4.1-mini: $0.40 input, $0.10 cached, $1.60 output; gpt-4o-mini: $0.15, $0.60.
    const first = (9 * 0.4 + 1152 * 0.1 + 44 * 1.6) / 1e6;
    const second = (1175 * 0.15 + 53 * 0.6) / 1e6;
    expect(rows.map((row) => row.cell)).toEqual([
      `$${first.toFixed(6)}`,
      `$${second.toFixed(6)}`,
      'unpriced',
    ]);
    expect(rows[2]?.price).toMatchObject({ status: 'unpriced', reason: 'unknown_model' });
    const total = totalUsageCost(rows);
    expect(total.usd).toBeCloseTo(first + second, 12);
    expect(total.unpricedRows).toBe(1);
    expect(total.cell).toBe(`$${(first + second).toFixed(6)} + 1 unpriced`);
  });

  it('refuses a day that is not YYYY-MM-DD', () => {
    expect(() =>
      priceUsageRow({
        day: 'yesterday',
        model: 'gpt-4o-mini',
        usage: { prompt_tokens: 1, cached_tokens: 0, completion_tokens: 1 },
      }),
    ).toThrow(/day must be YYYY-MM-DD/);
  });
});
