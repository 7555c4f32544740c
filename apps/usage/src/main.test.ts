import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanAppEnvironment,
  parsePrintedUsageTable,
  seedUsageEvents,
  startAppProcess,
} from '@llm-meter/app-kit/testing';
import { priceUsageRow } from '@llm-meter/prices';
import { beforeAll, describe, expect, test } from 'vitest';

const appDirectory = new URL('..', import.meta.url);

// `pnpm usage` as a child process (tsx compiles it first) on a data directory seeded with known
// events through openmeter-local's API.
describe('pnpm usage', { timeout: 600_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usage-'));
  const run = (args: string[], overrides: Record<string, string> = {}) =>
    startAppProcess({
      appDirectory,
      args,
      env: cleanAppEnvironment({ LLM_METER_DATA_DIR: dataDir, ...overrides }),
    }).done;
  beforeAll(async () => {
    await seedUsageEvents({ dbPath: join(dataDir, 'openmeter-local.db') });
  });

  const acmeDay2 = {
    day: '2026-12-02',
    model: 'gpt-4o-mini-2024-07-18',
    serviceTier: 'default',
    provider: 'openai',
    usage: { prompt_tokens: 2500, cached_tokens: 1024, completion_tokens: 70, total_tokens: 2570 },
  };

  test('prints the table for a range of days, summed per day, subject, model and tier, with the embedded OpenMeter announced', async () => {
    const result = await run(['--from', '2026-12-02', '--to', '2026-12-02']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'no OPENMETER_URL: using the local OpenMeter-compatible server',
    );
    expect(result.stdout).not.toContain('OpenAI');
    const { rows, prices } = parsePrintedUsageTable(result.stdout);
    expect(prices).toMatch(/^prices: @pydantic\/genai-prices /);
    expect(rows).toEqual([
      {
        day: '2026-12-02',
        subject: 'customer-acme',
        model: 'gpt-4o-mini-2024-07-18',
        tier: 'default',
        input: 2500,
        cached: 1024,
        cacheWrite: 0,
        cacheWrite1h: 0,
        output: 70,
        total: 2570,
        cost: priceUsageRow(acmeDay2).cell,
      },
      {
        day: '2026-12-02',
        subject: 'customer-globex',
        model: 'house-model-7b',
        tier: 'default',
        input: 300,
        cached: 0,
        cacheWrite: 0,
        cacheWrite1h: 0,
        output: 30,
        total: 330,
        cost: 'unpriced (unknown model)',
      },
    ]);
    expect(result.stdout).toMatch(
      /^ +all +2800 +1024 +0 +0 +100 +2900 +\$\d+\.\d+ \+ 1 unpriced$/m,
    );
  });

  test('--json gives the priced rows and totals, an unpriced row with cost_usd null, and nothing else on stdout', async () => {
    const result = await run(['--json', '--subject', 'customer-acme']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('no OPENMETER_URL');
    const report = JSON.parse(result.stdout);
    expect(report.rows.map((row: { day: string }) => row.day)).toEqual([
      '2026-12-01',
      '2026-12-02',
    ]);
    expect(report.rows[1]).toEqual({
      day: '2026-12-02',
      subject: 'customer-acme',
      model: 'gpt-4o-mini-2024-07-18',
      service_tier: 'default',
      provider: 'openai',
      ...acmeDay2.usage,
      cache_write_tokens: 0,
      cache_write_1h_tokens: 0,
      cost_usd: priceUsageRow(acmeDay2).usd,
      unpriced_reason: null,
    });
    expect(report.totals.total_tokens).toBe(1100 + 2570);
    expect(report.totals.unpriced_rows).toBe(0);

    const unpriced = JSON.parse((await run(['--json', '--model', 'house-model-7b'])).stdout);
    expect(unpriced.rows).toHaveLength(1);
    expect(unpriced.rows[0]).toMatchObject({ cost_usd: null, unpriced_reason: 'unknown_model' });
    expect(unpriced.totals).toMatchObject({ cost_usd: 0, unpriced_rows: 1 });
  });

  test('--csv gives a header line and one line per row, cost empty when unpriced', async () => {
    const result = await run(['--csv', '--from', '2026-12-02', '--tier', 'default']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'day,subject,model,service_tier,provider,prompt_tokens,cached_tokens,cache_write_tokens,cache_write_1h_tokens,completion_tokens,total_tokens,cost_usd,unpriced_reason',
    );
    expect(lines.slice(1)).toEqual([
      `2026-12-02,customer-acme,gpt-4o-mini-2024-07-18,default,openai,2500,1024,0,0,70,2570,${priceUsageRow(acmeDay2).usd},`,
      '2026-12-02,customer-globex,house-model-7b,default,openai,300,0,0,0,30,330,,unknown_model',
    ]);
  });

  test('a bad day, or no data on the embedded defaults, is one line naming what to do, status 1', async () => {
    const bad = await run(['--from', '2026-13-01']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: --from must be a UTC day YYYY-MM-DD, got "2026-13-01"\n');
    const empty = await run([], { LLM_METER_DATA_DIR: mkdtempSync(join(tmpdir(), 'usage-none-')) });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(
      /^error: no OPENMETER_URL, and the embedded OpenMeter has no data at .*openmeter-local\.db: run the main job first \(pnpm start\)/,
    );
  });
});
