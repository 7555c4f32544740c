import { OpenMeterError } from '@llm-meter/openmeter-client';
import {
  createOpenMeterV3Client,
  createV3MeterReader,
  type OpenMeterV3Client,
} from '@llm-meter/openmeter-client/v3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPromptEvent, startTestServer, type TestServer } from '../../test-server.js';

// The v3 client (`@llm-meter/openmeter-client/v3`) against openmeter-local's v3 API, over the
// same store the v1 API and the official SDK use.
let server: TestServer;
let v3: OpenMeterV3Client;
beforeAll(async () => {
  server = await startTestServer();
  v3 = createOpenMeterV3Client({ baseUrl: `${server.server.url}/api/v3`, retry: false });
});
afterAll(async () => {
  await server.server.close();
});

const events = [
  createPromptEvent({ id: 'v3-1', subject: 'alice', time: '2026-12-01T10:00:00Z' }),
  createPromptEvent({
    id: 'v3-2',
    subject: 'alice',
    time: '2026-12-01T11:00:00Z',
    data: { tokens: 5, model: 'gpt-4o', type: 'output' },
  }),
  createPromptEvent({ id: 'v3-3', subject: 'bob', time: '2026-12-02T09:00:00Z' }),
  createPromptEvent({
    id: 'v3-4',
    subject: 'bob-2',
    time: '2026-12-02T10:00:00Z',
    data: { tokens: 7, model: 'gpt-4o-mini', type: 'input' },
  }),
];

describe('events', () => {
  test('ingest answers 202; a batch sent twice is stored once (dedup on source and id)', async () => {
    const response = await server.request('/api/v3/openmeter/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events[0]),
    });
    expect(response.status).toBe(202);
    await v3.events.ingest(events);
    await v3.events.ingest(events);
    const page = await v3.events.list({ filter: { id: { contains: 'v3-' } }, page: { size: 100 } });
    expect(page.data.map((stored) => stored.event.id)).toEqual(['v3-4', 'v3-3', 'v3-2', 'v3-1']);
    // The same events on v1.
    expect(
      (await server.client.events.list({ from: '2026-11-01T00:00:00Z', id: 'v3-' })).length,
    ).toBe(4);
  });

  test('an invalid event is a 400 with invalid_parameters naming it, and nothing is stored', async () => {
    const response = await server.request('/api/v3/openmeter/events', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify([
        createPromptEvent({ id: 'v3-bad-1' }),
        { ...createPromptEvent({ id: 'v3-bad-2' }), subject: '' },
      ]),
    });
    expect(response.status).toBe(400);
    const problem = await response.json();
    expect(problem.invalid_parameters).toEqual([
      expect.objectContaining({ field: 'events[1].subject', source: 'body' }),
    ]);
    expect((await v3.events.list({ filter: { id: { contains: 'v3-bad' } } })).data).toEqual([]);
  });

  test('cursor paging walks every event once, in order, with filters kept', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await v3.events.list({
        filter: { id: { contains: 'v3-' }, time: { gte: '2026-12-01T00:00:00Z' } },
        page: { size: 3, ...(after ? { after } : {}) },
        sort: 'time asc',
      });
      seen.push(...page.data.map((stored) => stored.event.id));
      const next = page.meta.page.next;
      if (!next) break;
      expect(next).toMatch(/^\/api\/v3\/openmeter\/events\?/);
      after = new URL(next, 'http://host').searchParams.get('page[after]') ?? undefined;
    }
    expect(seen).toEqual(['v3-1', 'v3-2', 'v3-3', 'v3-4']);
  });

  test.each([
    { filter: { subject: 'alice' }, want: ['v3-2', 'v3-1'] },
    { filter: { subject: { neq: 'alice' }, id: { contains: 'v3-' } }, want: ['v3-4', 'v3-3'] },
    { filter: { id: { oeq: 'v3-1,v3-3' } }, want: ['v3-3', 'v3-1'] },
    { filter: { id: { contains: 'v3-' }, time: { lt: '2026-12-01T11:00:00Z' } }, want: ['v3-1'] },
  ])('filter $filter', async ({ filter, want }) => {
    const page = await v3.events.list({ filter });
    expect(page.data.map((stored) => stored.event.id)).toEqual(want);
  });

  test('an unknown filter is a 400 naming the known ones', async () => {
    const error = await v3.events
      .list({ filter: { model: 'x' } as never })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenMeterError);
    expect((error as OpenMeterError).status).toBe(400);
    expect((error as Error).message).toMatch(/filter\[model\] is not a filter of events: use id/);
  });
});

describe('meters', () => {
  test('meters have ULID ids, are found by key and queried by id', async () => {
    const { data } = await v3.meters.list({ filter: { key: 'tokens_total' } });
    expect(data).toHaveLength(1);
    const meter = data[0] as (typeof data)[number];
    expect(meter.id).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(meter).toMatchObject({ key: 'tokens_total', aggregation: 'sum', event_type: 'prompt' });
    expect(await v3.meters.get(meter.id)).toEqual(meter);
    const result = await v3.meters.query(meter.id, {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-03T00:00:00Z',
      granularity: 'P1D',
      group_by_dimensions: ['subject', 'type'],
      filters: { dimensions: { model: { eq: 'gpt-4o' } } },
    });
    expect(result.data).toEqual([
      {
        from: '2026-12-01T00:00:00Z',
        to: '2026-12-02T00:00:00Z',
        dimensions: { subject: 'alice', type: 'input' },
        value: '10',
      },
      {
        from: '2026-12-01T00:00:00Z',
        to: '2026-12-02T00:00:00Z',
        dimensions: { subject: 'alice', type: 'output' },
        value: '5',
      },
      {
        from: '2026-12-02T00:00:00Z',
        to: '2026-12-03T00:00:00Z',
        dimensions: { subject: 'bob', type: 'input' },
        value: '10',
      },
    ]);
  });

  test.each([
    { windowSize: 'DAY' as const, groupBy: ['subject', 'model', 'type'] },
    { windowSize: 'HOUR' as const, groupBy: ['model'], subject: ['alice', 'bob'] },
    { groupBy: ['type'], filterGroupBy: { model: 'gpt-4o' } },
  ])('createV3MeterReader answers a v1 query as the v1 API does: %o', async (params) => {
    const reader = createV3MeterReader({ client: v3 });
    const range = {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-03T00:00:00Z',
      windowTimeZone: 'UTC',
    };
    const sort = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();
    const fromV3 = await reader.meters.query('tokens_total', { ...range, ...params });
    const fromV1 = await server.client.meters.query('tokens_total', { ...range, ...params });
    expect(fromV3.data.length).toBeGreaterThan(0);
    expect(sort(fromV3.data)).toEqual(sort(fromV1.data));
    expect((await reader.meters.get('tokens_total')).eventType).toBe('prompt');
    await expect(reader.meters.get('no_such_meter')).rejects.toMatchObject({ status: 404 });
  });

  test('a key is not an id: 404 pointing at filter[key]', async () => {
    const error = await v3.meters.get('tokens_total').catch((caught: unknown) => caught);
    expect((error as OpenMeterError).status).toBe(404);
    expect((error as Error).message).toMatch(/filter\[key\]=tokens_total/);
  });

  test('create, read back on v1, delete', async () => {
    const created = await v3.meters.create({
      key: 'v3_meter',
      name: 'v3 meter',
      aggregation: 'sum',
      event_type: 'prompt',
      value_property: '$.tokens',
      dimensions: { model: '$.model' },
    });
    expect(created).toMatchObject({ key: 'v3_meter', dimensions: { model: '$.model' } });
    expect((await server.client.meters.get('v3_meter')).id).toBe(created.id);
    await v3.meters.delete(created.id);
    expect((await v3.meters.list({ filter: { key: 'v3_meter' } })).data).toEqual([]);
  });
});

describe('customers', () => {
  test('usage is attributed by subject keys and by the customer key; grouping and filters by customer', async () => {
    const acme = await v3.customers.create({
      key: 'acme',
      name: 'Acme',
      usage_attribution: { subject_keys: ['alice', 'bob'] },
    });
    const bob2 = await v3.customers.create({ key: 'bob-2', name: 'Bob 2' });
    expect(acme.id).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(
      (await v3.customers.list({ filter: { usage_attribution_subject_key: 'bob' } })).data.map(
        (customer) => customer.key,
      ),
    ).toEqual(['acme']);
    const listed = await v3.events.list({ filter: { customer_id: acme.id } });
    expect(listed.data.map((stored) => [stored.event.id, stored.customer?.id])).toEqual([
      ['v3-3', acme.id],
      ['v3-2', acme.id],
      ['v3-1', acme.id],
    ]);
    const [meter] = (await v3.meters.list({ filter: { key: 'tokens_total' } })).data;
    const result = await v3.meters.query(meter?.id as string, {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-03T00:00:00Z',
      group_by_dimensions: ['customer_id'],
      filters: { dimensions: { customer_id: { in: [acme.id, bob2.id] } } },
    });
    expect(result.data.map((row) => [row.dimensions.customer_id, row.value]).sort()).toEqual(
      [
        [acme.id, '25'],
        [bob2.id, '7'],
      ].sort(),
    );
  });

  test('one subject belongs to one customer: a second claim is a 409', async () => {
    const error = await v3.customers
      .create({ key: 'other', name: 'Other', usage_attribution: { subject_keys: ['alice'] } })
      .catch((caught: unknown) => caught);
    expect((error as OpenMeterError).status).toBe(409);
    expect((error as Error).message).toMatch(/Subject alice is already attributed/);
  });

  test('upsert replaces the subjects, delete frees them', async () => {
    const [acme] = (await v3.customers.list({ filter: { key: 'acme' } })).data;
    const id = acme?.id as string;
    const updated = await v3.customers.upsert(id, {
      name: 'Acme Inc.',
      usage_attribution: { subject_keys: ['alice'] },
    });
    expect(updated).toMatchObject({ key: 'acme', name: 'Acme Inc.' });
    expect(
      (await v3.events.list({ filter: { customer_id: id } })).data.map((stored) => stored.event.id),
    ).toEqual(['v3-2', 'v3-1']);
    await v3.customers.delete(id);
    await expect(v3.customers.get(id)).rejects.toMatchObject({ status: 404 });
    const claimed = await v3.customers.create({
      key: 'alice-co',
      name: 'Alice Co',
      usage_attribution: { subject_keys: ['alice'] },
    });
    expect(claimed.usage_attribution?.subject_keys).toEqual(['alice']);
  });
});
