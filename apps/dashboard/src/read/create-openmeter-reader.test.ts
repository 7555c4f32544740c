import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedUsageEvents } from '@llm-meter/app-kit/testing';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createOpenMeterClient } from '@llm-meter/openmeter-client';
import { createOpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { expect, test } from 'vitest';
import { createOpenMeterReader } from './create-openmeter-reader.js';
import { createV1ReadApi } from './create-v1-read-api.js';
import { createV3ReadApi } from './create-v3-read-api.js';

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
      api: createV1ReadApi({ client, baseUrl: local.url }),
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

test('on v3 the reader answers the figures v1 answers for the same seeded usage, each shown as its v3 query', async () => {
  // The same usage delivered twice: through v1 as before, and through v3 as the apps deliver it
  // there (a customer per subject, every usage event with its token-type events).
  const directory = mkdtempSync(join(tmpdir(), 'dashboard-reader-v3-'));
  const v1Path = join(directory, 'v1.db');
  const v3Path = join(directory, 'v3.db');
  await seedUsageEvents({ dbPath: v1Path });
  await seedUsageEvents({ dbPath: v3Path, apiVersion: 'v3' });
  const v1Local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath: v1Path });
  const v3Local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath: v3Path });
  try {
    const v1 = createOpenMeterReader({
      api: createV1ReadApi({
        client: createOpenMeterClient({ baseUrl: v1Local.url }),
        baseUrl: v1Local.url,
      }),
    });
    const v3Root = `${v3Local.url}/api/v3`;
    const v3 = createOpenMeterReader({
      api: createV3ReadApi({
        client: createOpenMeterV3Client({ baseUrl: v3Root }),
        baseUrl: v3Root,
        v1: { client: createOpenMeterClient({ baseUrl: v3Local.url }), baseUrl: v3Local.url },
      }),
    });
    expect(v3.apiVersion).toBe('v3');
    const range = { from: '2026-12-01', to: '2026-12-02' };
    const [overview1, overview3] = [await v1.readOverview(range), await v3.readOverview(range)];
    expect(overview1.rows.length).toBe(4);
    expect(overview3.rows).toEqual(overview1.rows);
    expect(overview3.sources).toEqual(overview1.sources);
    expect(overview3.sources).toEqual([{ usageSource: 'provider', tokens: 4044 }]);
    // Each number's query is the v3 query that produced it: a POST by meter ULID with its body.
    const total = overview3.queries.rows.find((query) => query.id === 'q-total_tokens');
    expect(total?.method).toBe('POST');
    expect(total?.url).toMatch(
      new RegExp(
        `^${v3Root.replaceAll('.', '\\.')}/openmeter/meters/[0-9A-HJKMNP-TV-Z]{26}/query$`,
      ),
    );
    expect(total?.body).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-03T00:00:00.000Z',
      granularity: 'P1D',
      time_zone: 'UTC',
      group_by_dimensions: ['subject', 'model', 'service_tier', 'provider'],
    });
    // Sent as shown, the query answers the page's total.
    const answer = await fetch(total?.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(total?.body),
    });
    const { data } = (await answer.json()) as { data: Array<{ value: string }> };
    expect(data.reduce((sum, row) => sum + Number(row.value), 0)).toBe(
      overview3.rows.reduce((sum, row) => sum + row.total_tokens, 0),
    );

    const subject = 'customer-acme';
    const [customer1, customer3] = [
      await v1.readCustomer({ subject, ...range }),
      await v3.readCustomer({ subject, ...range }),
    ];
    expect(customer3.rows).toEqual(customer1.rows);
    expect(customer3.reasoning).toEqual(customer1.reasoning);
    expect(customer3.refusals).toEqual(customer1.refusals);
    expect(customer3.entitlements).toEqual(customer1.entitlements);
    // The usage events only: v3's token-type events (type prompt) are not listed.
    const listed = (page: typeof customer1) =>
      page.events.map(({ event }) => `${event.type} ${event.id} ${event.time}`);
    expect(listed(customer3)).toEqual(listed(customer1));
    expect(listed(customer3)).toHaveLength(3);
    expect(customer1.customer).toBeUndefined();
    expect(customer3.customer).toMatchObject({ key: subject, name: subject });
    expect(customer3.queries.events.url).toBe(
      `${v3Root}/openmeter/events?filter%5Bsubject%5D%5Beq%5D=customer-acme&filter%5Btype%5D%5Bneq%5D=prompt&filter%5Btime%5D%5Bgte%5D=2026-12-01T00%3A00%3A00.000Z&filter%5Btime%5D%5Blt%5D=2026-12-03T00%3A00%3A00.000Z&page%5Bsize%5D=20`,
    );
    expect(customer3.queries.customer?.url).toBe(
      `${v3Root}/openmeter/customers?filter%5Busage_attribution_subject_key%5D%5Beq%5D=customer-acme`,
    );
  } finally {
    await v1Local.close();
    await v3Local.close();
  }
});

test('on Kong Konnect (no v1 API) the customer page reads no entitlement balances', async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'dashboard-reader-konnect-')), 'v3.db');
  await seedUsageEvents({ dbPath, apiVersion: 'v3' });
  const local = await startOpenMeterLocal({ meters: openMeterMeters, dbPath });
  try {
    const v3Root = `${local.url}/api/v3`;
    const reader = createOpenMeterReader({
      api: createV3ReadApi({
        client: createOpenMeterV3Client({ baseUrl: v3Root }),
        baseUrl: v3Root,
      }),
    });
    const page = await reader.readCustomer({
      subject: 'customer-globex',
      from: '2026-12-01',
      to: '2026-12-02',
    });
    expect(page.entitlements).toBeUndefined();
    expect(page.queries.entitlements).toBeUndefined();
    expect(page.rows.map((row) => [row.model, row.total_tokens])).toEqual([
      ['house-model-7b', 330],
    ]);
  } finally {
    await local.close();
  }
});
