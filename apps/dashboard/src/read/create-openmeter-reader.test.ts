import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedUsageEvents } from '@llm-meter/app-kit/testing';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { expect, test } from 'vitest';
import { createOpenMeterReader } from './create-openmeter-reader.js';

test('answers are kept cacheMs from when they arrived, then asked again', async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'dashboard-reader-')), 'openmeter-local.db');
  await seedUsageEvents({ dbPath });
  const local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath });
  try {
    let queries = 0;
    const client = createOpenMeterClient({
      baseUrl: local.url,
      fetch: (input, init) => {
        if (String(input instanceof Request ? input.url : input).includes('/query')) queries += 1;
        return fetch(input, init);
      },
    });
    let clock = 0;
    const reader = createOpenMeterReader({
      client,
      baseUrl: local.url,
      cacheMs: 10_000,
      elapsedMs: () => clock,
    });
    const range = { from: '2026-12-01', to: '2026-12-02' };
    const first = await reader.readOverview(range);
    // Six token meters (cache writes and their 1-hour part included) and the usage-source shares.
    expect(queries).toBe(7);
    expect(first.sources).toEqual([{ usageSource: 'provider', tokens: 4044 }]);
    clock = 9_999;
    expect(await reader.readOverview(range)).toEqual(first);
    expect(queries).toBe(7);
    clock = 10_000;
    await reader.readOverview(range);
    expect(queries).toBe(14);
  } finally {
    await local.close();
  }
});
