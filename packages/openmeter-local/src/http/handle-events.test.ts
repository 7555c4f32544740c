import { OpenMeterError } from '@llm-meter/openmeter-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPromptEvent, startTestServer, type TestServer } from '../test-server.js';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.server.close();
});

const FROM = '2020-01-01T00:00:00Z';

async function listAll() {
  return test.client.events.list({ from: FROM, limit: 100 });
}

async function post(body: unknown, contentType = 'application/cloudevents-batch+json') {
  return test.request('/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /api/v1/events validation', () => {
  let before: number;
  beforeEach(async () => {
    before = (await listAll()).length;
  });

  const valid = createPromptEvent({ id: 'valid-in-bad-batch' });
  const cases: Array<{ name: string; given: Record<string, unknown>; field: string }> = [
    { name: 'specversion 0.3', given: { specversion: '0.3' }, field: 'specversion' },
    { name: 'missing specversion', given: { specversion: undefined }, field: 'specversion' },
    { name: 'empty id', given: { id: '' }, field: 'id' },
    { name: 'numeric id', given: { id: 5 }, field: 'id' },
    { name: 'empty source', given: { source: '' }, field: 'source' },
    { name: 'missing type', given: { type: undefined }, field: 'type' },
    { name: 'empty subject', given: { subject: '' }, field: 'subject' },
    // OpenMeter's CloudEvents SDK trims these before refusing an empty one.
    { name: 'whitespace-only id', given: { id: ' ' }, field: 'id' },
    { name: 'whitespace-only subject', given: { subject: '\t \n' }, field: 'subject' },
    { name: 'relative dataschema', given: { dataschema: 'schema.json' }, field: 'dataschema' },
    { name: 'time not RFC 3339', given: { time: '2025-01-15 10:00' }, field: 'time' },
    { name: 'impossible date', given: { time: '2025-02-30T00:00:00Z' }, field: 'time' },
    { name: 'time as number', given: { time: 1736935200000 }, field: 'time' },
    { name: 'data an array', given: { data: [1, 2] }, field: 'data' },
    { name: 'data a string', given: { data: 'tokens=5' }, field: 'data' },
    {
      name: 'datacontenttype xml',
      given: { datacontenttype: 'application/xml' },
      field: 'datacontenttype',
    },
  ];
  it.each(cases)(
    'refuses $name with 400 naming the event and field, storing nothing',
    async ({ given, field }) => {
      const bad = { ...createPromptEvent({ id: 'bad' }), ...given };
      const response = await post([valid, bad]);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = await response.json();
      expect(problem).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
      expect(problem.extensions.validationErrors).toContainEqual(
        expect.objectContaining({ index: 1, field }),
      );
      expect(problem.detail).toContain('event 1');
      expect(problem.detail).toContain(field);
      expect(await listAll()).toHaveLength(before);
    },
  );

  it('names every invalid event of a batch', async () => {
    const response = await post([
      { ...createPromptEvent({ id: 'x1' }), subject: '' },
      valid,
      { ...createPromptEvent({ id: 'x2' }), specversion: '2.0', type: '' },
    ]);
    const problem = await response.json();
    expect(problem.extensions.validationErrors).toEqual([
      { index: 0, id: 'x1', field: 'subject', message: 'subject must be a non-empty string' },
      { index: 2, id: 'x2', field: 'specversion', message: 'specversion must be "1.0"' },
      { index: 2, id: 'x2', field: 'type', message: 'type must be a non-empty string' },
    ]);
    expect(problem.detail).toMatch(/^2 of 3 events are invalid, nothing was stored/);
  });

  it.each([
    ['malformed JSON', '{"specversion":', 'application/json', 400],
    ['a JSON number', '42', 'application/json', 400],
    ['a batch sent as one cloudevent', [valid], 'application/cloudevents+json', 400],
    ['one event sent as a batch', valid, 'application/cloudevents-batch+json', 400],
    ['text/plain', JSON.stringify(valid), 'text/plain', 415],
    ['no content type', JSON.stringify(valid), '', 415],
  ] as const)(
    'answers %s with a problem and stores nothing',
    async (_name, body, contentType, status) => {
      const response = await post(body, contentType);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((await response.json()).status).toBe(status);
      expect(await listAll()).toHaveLength(before);
    },
  );

  it('refuses a body over the size limit with 413', async () => {
    const small = await startTestServer({ maxBodyBytes: 1024 });
    try {
      const events = Array.from({ length: 20 }, (_, index) =>
        createPromptEvent({ id: `big-${index}` }),
      );
      const response = await fetch(`${small.server.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify(events),
      });
      expect(response.status).toBe(413);
      expect((await response.json()).detail).toContain('exceeds 1024 bytes');
      expect(await small.client.events.list({ from: FROM })).toHaveLength(0);
    } finally {
      await small.server.close();
    }
  });
});

describe('POST /api/v1/events accepted shapes', () => {
  it('accepts one event, a batch and application/json of either, with 204', async () => {
    for (const [body, contentType] of [
      [createPromptEvent({ id: 'shape-1' }), 'application/cloudevents+json'],
      [[createPromptEvent({ id: 'shape-2' })], 'application/cloudevents-batch+json'],
      [createPromptEvent({ id: 'shape-3' }), 'application/json; charset=utf-8'],
      [
        [createPromptEvent({ id: 'shape-4' }), createPromptEvent({ id: 'shape-5' })],
        'application/json',
      ],
    ] as const) {
      const response = await post(body, contentType);
      expect(response.status).toBe(204);
    }
    const ids = (await test.client.events.list({ from: FROM, id: 'shape-' })).map(
      (item) => item.event.id,
    );
    expect(ids.sort()).toEqual(['shape-1', 'shape-2', 'shape-3', 'shape-4', 'shape-5']);
  });

  it('fills a missing time with the ingest time and keeps extension attributes', async () => {
    const started = Date.now();
    const { time: _time, ...event } = createPromptEvent({ id: 'no-time' });
    expect(
      (await post({ ...event, traceparent: '00-abc-01' }, 'application/cloudevents+json')).status,
    ).toBe(204);
    const [stored] = await test.client.events.list({ id: 'no-time' });
    expect(Date.parse(String(stored?.event.time))).toBeGreaterThanOrEqual(started - 1000);
    expect(stored?.event).toMatchObject({ traceparent: '00-abc-01' });
  });
});

describe('deduplication on (source, id)', () => {
  it('counts an event once within a batch, across batches, and not across sources', async () => {
    const dedup = await startTestServer();
    try {
      const event = createPromptEvent({
        id: 'dup',
        data: { tokens: 100, model: 'm', type: 'input' },
      });
      await dedup.client.events.ingest([
        event,
        event,
        { ...event, data: { tokens: 999, model: 'm', type: 'input' } },
      ]);
      await dedup.client.events.ingest([event]);
      await dedup.client.events.ingest(event);
      await dedup.client.events.ingest({ ...event, source: 'other-source' });
      const result = await dedup.client.meters.query('tokens_total', {});
      expect(result.data.map((row) => row.value)).toEqual([200]);
      expect(await dedup.client.events.list({ from: FROM })).toHaveLength(2);
    } finally {
      await dedup.server.close();
    }
  });
});

describe('GET /api/v1/events', () => {
  it('lists newest first with filters, and validationError on events a meter could not use', async () => {
    const listing = await startTestServer();
    try {
      await listing.client.events.ingest([
        createPromptEvent({ id: 'e1', time: '2025-03-01T00:00:00Z', subject: 'alice' }),
        createPromptEvent({
          id: 'e2',
          time: '2025-03-02T00:00:00Z',
          subject: 'bob',
          data: { model: 'm' },
        }),
        createPromptEvent({
          id: 'e3',
          time: '2025-03-03T00:00:00Z',
          subject: 'alice',
          data: { tokens: 'many', model: 'm' },
        }),
      ]);
      const all = await listing.client.events.list({ from: FROM });
      expect(all.map((item) => item.event.id)).toEqual(['e3', 'e2', 'e1']);
      expect(all[0]?.validationError).toBe(
        'meter tokens_total: value property $.tokens must be a number or a numeric string, got "many"',
      );
      expect(all[1]?.validationError).toBe('meter tokens_total: missing value property $.tokens');
      expect(all[2]?.validationError).toBeUndefined();
      expect(all[2]).toMatchObject({
        ingestedAt: expect.any(String),
        storedAt: expect.any(String),
      });
      const filtered = await listing.client.events.list({ from: FROM, subject: 'lic', limit: 1 });
      expect(filtered.map((item) => item.event.id)).toEqual(['e3']);
      const ranged = await listing.client.events.list({
        from: '2025-03-01T12:00:00Z',
        to: '2025-03-02T12:00:00Z',
      });
      expect(ranged.map((item) => item.event.id)).toEqual(['e2']);
      // Without `from`, only the last 72 hours are listed, as in OpenMeter.
      expect(await listing.client.events.list()).toEqual([]);
      // The events that failed a meter are still counted by the meters that could use them.
      const requests = await listing.client.meters.query('requests_total', {});
      expect(requests.data.map((row) => row.value)).toEqual([3]);
    } finally {
      await listing.server.close();
    }
  });

  it.each([
    ['limit=0', 400],
    ['limit=101', 400],
    ['from=yesterday', 400],
    ['from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z', 400],
  ])('refuses %s', async (query, status) => {
    const response = await test.request(`/api/v1/events?${query}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('reports client-side problems as OpenMeterError with the problem', async () => {
    const error = await test.client.events.list({ limit: 0 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenMeterError);
    expect((error as OpenMeterError).problem?.detail).toBe(
      'limit must be an integer from 1 to 100',
    );
  });
});
