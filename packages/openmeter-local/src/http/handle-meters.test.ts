import type { OpenMeterError } from '@llm-meter/openmeter-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromptEvent, startTestServer, type TestServer } from '../test-server.js';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.server.close();
});

describe('meters', () => {
  it('lists the meters of the meters file with ULID ids', async () => {
    const meters = await test.client.meters.list();
    expect(meters.map((meter) => meter.slug)).toEqual(['requests_total', 'tokens_total']);
    const tokens = meters.find((meter) => meter.slug === 'tokens_total');
    expect(tokens).toMatchObject({
      id: expect.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/),
      name: 'tokens_total',
      description: 'Tokens per model and type',
      aggregation: 'SUM',
      eventType: 'prompt',
      valueProperty: '$.tokens',
      groupBy: { model: '$.model', type: '$.type' },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await test.client.meters.get(tokens?.id as string)).toEqual(tokens);
    expect(await test.client.meters.get('tokens_total')).toEqual(tokens);
  });

  it('creates a meter that counts events ingested before it existed, then deletes it', async () => {
    await test.client.events.ingest([
      createPromptEvent({ id: 'old-1', type: 'image', data: { pixels: 100, size: 'large' } }),
      createPromptEvent({ id: 'old-2', type: 'image', data: { pixels: '50', size: 'small' } }),
      createPromptEvent({ id: 'old-3', type: 'image', data: { size: 'small' } }),
    ]);
    const created = await test.client.meters.create({
      slug: 'image_pixels',
      eventType: 'image',
      aggregation: 'SUM',
      valueProperty: '$.pixels',
      groupBy: { size: '$.size' },
    });
    expect(created).toMatchObject({ slug: 'image_pixels', name: 'image_pixels' });
    await test.client.events.ingest(
      createPromptEvent({ id: 'new-1', type: 'image', data: { pixels: 1, size: 'large' } }),
    );
    const result = await test.client.meters.query('image_pixels', { groupBy: ['size'] });
    expect(result.data.map((row) => [row.groupBy.size, row.value])).toEqual([
      ['large', 101],
      ['small', 50],
    ]);
    const [old3] = await test.client.events.list({ from: '2020-01-01T00:00:00Z', id: 'old-3' });
    expect(old3?.validationError).toBe('meter image_pixels: missing value property $.pixels');

    await test.client.meters.delete('image_pixels');
    const gone = await test.client.meters.get('image_pixels').catch((error: unknown) => error);
    expect((gone as OpenMeterError).status).toBe(404);
    const listed = await test.request('/api/v1/meters?includeDeleted=true');
    expect(
      (await listed.json()).find((meter: { slug: string }) => meter.slug === 'image_pixels'),
    ).toMatchObject({
      deletedAt: expect.any(String),
    });
    // Deleting a meter drops its reading of events: their validation errors go with it.
    const [after] = await test.client.events.list({ from: '2020-01-01T00:00:00Z', id: 'old-3' });
    expect(after?.validationError).toBeUndefined();
  });

  it('orders and pages the list', async () => {
    const response = await test.request('/api/v1/meters?orderBy=key&order=DESC&pageSize=1&page=2');
    expect((await response.json()).map((meter: { slug: string }) => meter.slug)).toEqual([
      'requests_total',
    ]);
  });

  it.each([
    ['an existing slug', { slug: 'tokens_total', eventType: 'x', aggregation: 'COUNT' }, 409],
    ['a bad slug', { slug: 'Tokens-Total', eventType: 'x', aggregation: 'COUNT' }, 400],
    ['an unknown aggregation', { slug: 'a_b', eventType: 'x', aggregation: 'MEDIAN' }, 400],
    ['SUM without valueProperty', { slug: 'a_b', eventType: 'x', aggregation: 'SUM' }, 400],
    [
      'a JSONPath wildcard',
      { slug: 'a_b', eventType: 'x', aggregation: 'SUM', valueProperty: '$.items[*].n' },
      400,
    ],
    [
      'a groupBy that is not a path',
      { slug: 'a_b', eventType: 'x', aggregation: 'COUNT', groupBy: { m: 'model' } },
      400,
    ],
    ['a missing eventType', { slug: 'a_b', aggregation: 'COUNT' }, 400],
  ])('refuses %s', async (_name, body, status) => {
    const response = await test.request('/api/v1/meters', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await test.client.meters.list()).map((meter) => meter.slug)).toEqual([
      'requests_total',
      'tokens_total',
    ]);
  });

  it('refuses malformed and non-JSON bodies', async () => {
    for (const [body, contentType, status] of [
      ['{"slug":', 'application/json', 400],
      ['slug: x', 'application/yaml', 415],
    ] as const) {
      const response = await test.request('/api/v1/meters', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      expect(response.status).toBe(status);
    }
  });

  it('answers 404 for an unknown meter on every meter route', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/meters/missing'],
      ['DELETE', '/api/v1/meters/missing'],
      ['GET', '/api/v1/meters/missing/query'],
      ['GET', '/api/v1/meters/missing/group-by/model/values'],
    ]) {
      const response = await test.request(path as string, { method });
      expect(response.status).toBe(404);
      expect((await response.json()).detail).toContain('missing');
    }
  });
});
