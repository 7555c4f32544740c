import { describePrices, priceUsageRow } from '@llm-meter/prices';
import { expect, test } from 'vitest';
import { formatUsageTable, priceUsageTableRow } from './format-usage-table.js';

const day = '2026-11-27';

test('aligns columns, prices each row at its served tier, totals and names the prices', () => {
  const table = formatUsageTable([
    {
      day,
      subject: 'customer-acme',
      model: 'gpt-4o-mini-2024-07-18',
      serviceTier: 'default',
      provider: 'openai',
      prompt_tokens: 1200,
      cached_tokens: 1024,
      completion_tokens: 35,
      total_tokens: 1235,
    },
    {
      day,
      subject: 'b',
      model: 'o4-mini-2025-04-16',
      serviceTier: 'flex',
      provider: 'openai',
      prompt_tokens: 9,
      cached_tokens: 0,
      completion_tokens: 10,
      total_tokens: 19,
    },
  ]);
  // gpt-4o-mini: 176 × $0.15 + 1024 × $0.075 + 35 × $0.60 per 1M = $0.000124;
  // o4-mini at flex, half of $1.10 / $4.40 per 1M: 9 × $0.55 + 10 × $2.20 = $0.000027.
  expect(`\n${table}`).toMatchInlineSnapshot(`
    "
    day         subject        model                   tier     input  cached  output  total       cost
    ----------  -------------  ----------------------  -------  -----  ------  ------  -----  ---------
    2026-11-27  customer-acme  gpt-4o-mini-2024-07-18  default   1200    1024      35   1235  $0.000124
    2026-11-27  b              o4-mini-2025-04-16      flex         9       0      10     19  $0.000027
    ----------  -------------  ----------------------  -------  -----  ------  ------  -----  ---------
                all                                              1209    1024      45   1254  $0.000151
    prices: @pydantic/genai-prices 0.1.8 (standard rates), flex/priority/batch table checked 2026-12-02"
  `);
});

test('an unknown model or a tier the model is not offered at is unpriced with the reason, never $0', () => {
  const rows = [
    {
      day,
      subject: 'a',
      model: 'gpt-9-ultra',
      serviceTier: 'default',
      prompt_tokens: 10,
      cached_tokens: 0,
      completion_tokens: 5,
      total_tokens: 15,
    },
    {
      day,
      subject: 'a',
      model: 'gpt-4o-mini',
      serviceTier: 'flex',
      prompt_tokens: 10,
      cached_tokens: 0,
      completion_tokens: 5,
      total_tokens: 15,
    },
    {
      day,
      subject: 'a',
      model: 'gpt-4o-mini',
      serviceTier: 'default',
      prompt_tokens: 10,
      cached_tokens: 0,
      completion_tokens: 5,
      total_tokens: 15,
    },
  ];
  expect(rows.map((row) => priceUsageTableRow(row).cell)).toEqual([
    'unpriced (unknown model)',
    'unpriced (tier not offered)',
    priceUsageRow({
      day,
      model: 'gpt-4o-mini',
      usage: { prompt_tokens: 10, cached_tokens: 0, completion_tokens: 5 },
    }).cell,
  ]);
  const table = formatUsageTable(rows);
  expect(table).toContain('unpriced (unknown model)');
  expect(table).not.toMatch(/\$0\.000000/);
  expect(table.split('\n').at(-2)).toMatch(/ \$0\.00000\d \+ 2 unpriced$/);
});

test('rows without a metered tier show "-" and are priced at default, said under the table', () => {
  const table = formatUsageTable([
    {
      day,
      subject: 'a',
      model: 'gpt-4.1-mini',
      prompt_tokens: 100,
      cached_tokens: 0,
      completion_tokens: 10,
      total_tokens: 110,
    },
  ]);
  const lines = table.split('\n');
  expect(lines[2]?.split(/ {2,}/)).toEqual([
    day,
    'a',
    'gpt-4.1-mini',
    '-',
    '100',
    '0',
    '10',
    '110',
    priceUsageRow({
      day,
      model: 'gpt-4.1-mini',
      usage: { prompt_tokens: 100, cached_tokens: 0, completion_tokens: 10 },
    }).cell,
  ]);
  expect(lines.at(-2)).toBe('tier -: not metered (events without service_tier), priced at default');
  expect(lines.at(-1)).toBe(describePrices());
});

test('says so when there is no usage', () => {
  expect(formatUsageTable([])).toBe('(no usage recorded)');
});

test("Claude's cache writes get their own column and their own rate; without the meter a line says they are priced as input", () => {
  const claude = {
    day,
    subject: 'customer-acme',
    model: 'claude-sonnet-4-5-20250929',
    serviceTier: 'standard',
    provider: 'anthropic',
    prompt_tokens: 1300,
    cached_tokens: 0,
    completion_tokens: 40,
    total_tokens: 1340,
  };
  const withWrites = { ...claude, cache_write_tokens: 1250 };
  // Claude Sonnet 4.5: $3 input, $3.75 5-minute cache write, $15 output per 1M tokens.
  expect(priceUsageTableRow(withWrites).usd).toBeCloseTo(
    (50 * 3 + 1250 * 3.75 + 40 * 15) / 1e6,
    12,
  );
  expect(priceUsageTableRow(claude).usd).toBeCloseTo((1300 * 3 + 40 * 15) / 1e6, 12);
  const table = formatUsageTable([withWrites]);
  expect(table.split('\n').slice(0, 3).join('\n')).toMatch(
    /^day +subject +model +tier +input +cached +cache_write +output +total +cost\n[- ]+\n2026-11-27 +customer-acme +claude-sonnet-4-5-20250929 +standard +1300 +0 +1250 +40 +1340 +\$0\.005437$/,
  );
  expect(table).not.toMatch(/^cache writes: not metered/m);
  // Without the 1-hour meter the writes are all priced at the 5-minute rate, and a line says so.
  expect(table).toMatch(/^1-hour cache writes: not metered apart/m);
  expect(formatUsageTable([{ ...withWrites, cache_write_1h_tokens: 0 }])).not.toContain(
    'not metered',
  );
  expect(formatUsageTable([claude])).toContain(
    'cache writes: not metered apart (no llm_cache_write_tokens meter), so Claude cache writes are priced as input',
  );
});
