import type { MeterCreate } from '@llm-meter/openmeter-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromptEvent, startTestServer, type TestServer } from '../test-server.js';

const METERS: MeterCreate[] = [
  {
    slug: 'm_sum',
    eventType: 'usage',
    aggregation: 'SUM',
    valueProperty: '$.value',
    groupBy: { model: '$.model' },
  },
  { slug: 'm_count', eventType: 'usage', aggregation: 'COUNT', groupBy: { model: '$.model' } },
  { slug: 'm_avg', eventType: 'usage', aggregation: 'AVG', valueProperty: '$.value' },
  { slug: 'm_min', eventType: 'usage', aggregation: 'MIN', valueProperty: '$.value' },
  { slug: 'm_max', eventType: 'usage', aggregation: 'MAX', valueProperty: '$.value' },
  { slug: 'm_latest', eventType: 'usage', aggregation: 'LATEST', valueProperty: '$.value' },
  { slug: 'm_unique', eventType: 'usage', aggregation: 'UNIQUE_COUNT', valueProperty: '$.user' },
];

let test: TestServer;
const usage = ({
  id,
  time,
  value,
  model = 'gpt-4o',
  subject = 'acme',
  user = 'u1',
}: {
  id: string;
  time: string;
  value: number | string;
  model?: string;
  subject?: string;
  user?: string;
}) => createPromptEvent({ id, time, subject, type: 'usage', data: { value, model, user } });

beforeAll(async () => {
  test = await startTestServer({ meters: METERS, metersFile: undefined });
  await test.client.events.ingest([
    usage({ id: '1', time: '2025-01-01T00:00:10Z', value: 10, user: 'u1' }),
    usage({ id: '2', time: '2025-01-01T00:00:50Z', value: '2.5', user: 'u2' }),
    usage({ id: '3', time: '2025-01-01T00:01:05Z', value: 4, model: 'o3', user: 'u1' }),
    usage({ id: '4', time: '2025-01-01T01:30:00Z', value: 1, subject: 'globex', user: 'u3' }),
    usage({
      id: '5',
      time: '2025-01-02T12:00:00Z',
      value: 100,
      model: 'o3',
      subject: 'globex',
      user: 'u3',
    }),
    usage({ id: '6', time: '2025-02-10T08:00:00Z', value: 7, user: 'u4' }),
  ]);
});
afterAll(async () => {
  await test.server.close();
});

const values = async (
  slug: string,
  params: Parameters<TestServer['client']['meters']['query']>[1] = {},
) => (await test.client.meters.query(slug, params)).data.map((row) => row.value);

describe('aggregations', () => {
  it.each([
    ['m_sum', 124.5],
    ['m_count', 6],
    ['m_avg', 124.5 / 6],
    ['m_min', 1],
    ['m_max', 100],
    ['m_latest', 7],
    ['m_unique', 4],
  ])('%s over everything is %d', async (slug, expected) => {
    expect(await values(slug)).toEqual([expected]);
  });

  it.each([
    ['m_sum', [17.5, 100, 7]],
    ['m_count', [4, 1, 1]],
    ['m_min', [1, 100, 7]],
    ['m_max', [10, 100, 7]],
    ['m_latest', [1, 100, 7]],
    ['m_unique', [3, 1, 1]],
  ])('%s per DAY', async (slug, expected) => {
    expect(await values(slug, { windowSize: 'DAY' })).toEqual(expected);
  });
});

describe('windows', () => {
  it('MINUTE windows hold only minutes with data, from inclusive, to exclusive', async () => {
    const result = await test.client.meters.query('m_sum', {
      windowSize: 'MINUTE',
      from: '2025-01-01T00:00:50Z',
      to: '2025-01-01T01:30:00Z',
    });
    expect(result.data.map((row) => [row.windowStart, row.windowEnd, row.value])).toEqual([
      ['2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 2.5],
      ['2025-01-01T00:01:00Z', '2025-01-01T00:02:00Z', 4],
    ]);
    expect(result).toMatchObject({
      from: '2025-01-01T00:00:50Z',
      to: '2025-01-01T01:30:00Z',
      windowSize: 'MINUTE',
    });
  });

  it('HOUR and MONTH windows', async () => {
    const hours = await test.client.meters.query('m_sum', {
      windowSize: 'HOUR',
      to: '2025-01-02T00:00:00Z',
    });
    expect(hours.data.map((row) => [row.windowStart, row.value])).toEqual([
      ['2025-01-01T00:00:00Z', 16.5],
      ['2025-01-01T01:00:00Z', 1],
    ]);
    const months = await test.client.meters.query('m_sum', { windowSize: 'MONTH' });
    expect(months.data.map((row) => [row.windowStart, row.windowEnd, row.value])).toEqual([
      ['2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', 117.5],
      ['2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z', 7],
    ]);
  });

  it('DAY windows follow windowTimeZone', async () => {
    const result = await test.client.meters.query('m_sum', {
      windowSize: 'DAY',
      windowTimeZone: 'America/New_York',
      to: '2025-01-03T00:00:00Z',
    });
    // 00:00-01:30 UTC on Jan 1 is still Dec 31 in New York (UTC-5).
    expect(result.data.map((row) => [row.windowStart, row.windowEnd, row.value])).toEqual([
      ['2024-12-31T05:00:00Z', '2025-01-01T05:00:00Z', 17.5],
      ['2025-01-02T05:00:00Z', '2025-01-03T05:00:00Z', 100],
    ]);
  });

  it('without windowSize answers one row per group spanning from..to', async () => {
    const result = await test.client.meters.query('m_sum', {
      from: '2025-01-01T00:00:00Z',
      to: '2025-01-03T00:00:00Z',
      groupBy: ['model'],
    });
    expect(result.data).toEqual([
      {
        value: 13.5,
        windowStart: '2025-01-01T00:00:00Z',
        windowEnd: '2025-01-03T00:00:00Z',
        subject: null,
        groupBy: { model: 'gpt-4o' },
      },
      {
        value: 104,
        windowStart: '2025-01-01T00:00:00Z',
        windowEnd: '2025-01-03T00:00:00Z',
        subject: null,
        groupBy: { model: 'o3' },
      },
    ]);
  });
});

describe('filters and grouping', () => {
  it('a subject filter filters and groups by subject', async () => {
    const result = await test.client.meters.query('m_sum', { subject: ['globex'] });
    expect(result.data.map((row) => [row.subject, row.value])).toEqual([['globex', 101]]);
    const both = await test.client.meters.query('m_sum', {
      subject: ['globex', 'acme'],
      groupBy: ['model'],
    });
    expect(both.data.map((row) => [row.subject, row.groupBy.model, row.value])).toEqual([
      ['acme', 'gpt-4o', 19.5],
      ['acme', 'o3', 4],
      ['globex', 'gpt-4o', 1],
      ['globex', 'o3', 100],
    ]);
  });

  it('filterGroupBy as deepObject in GET and as lists in POST', async () => {
    const get = await test.client.meters.query('m_sum', { filterGroupBy: { model: 'o3' } });
    expect(get.data.map((row) => row.value)).toEqual([104]);
    const response = await test.request('/api/v1/meters/m_sum/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        filterGroupBy: { model: ['o3', 'gpt-4o'] },
        groupBy: ['subject'],
        windowSize: 'MONTH',
      }),
    });
    expect(response.status).toBe(200);
    const post = await response.json();
    expect(
      post.data.map((row: { subject: string; value: number }) => [row.subject, row.value]),
    ).toEqual([
      ['acme', 16.5],
      ['globex', 101],
      ['acme', 7],
    ]);
  });

  it('advancedMeterGroupByFilters with $ne, $in, $or', async () => {
    const query = async (filters: unknown) => {
      const response = await test.request('/api/v1/meters/m_sum/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advancedMeterGroupByFilters: filters }),
      });
      return (await response.json()).data.map((row: { value: number }) => row.value);
    };
    expect(await query({ model: { $ne: 'o3' } })).toEqual([20.5]);
    expect(await query({ model: { $in: ['o3'] } })).toEqual([104]);
    expect(await query({ model: { $or: [{ $eq: 'o3' }, { $eq: 'gpt-4o' }] } })).toEqual([124.5]);
    const viaGet = await test.request(
      `/api/v1/meters/m_sum/query?advancedMeterGroupByFilters=${encodeURIComponent('{"model":{"$eq":"o3"}}')}`,
    );
    expect((await viaGet.json()).data[0].value).toBe(104);
  });

  it('subjects and group-by values', async () => {
    expect(await (await test.request('/api/v1/meters/m_sum/subjects')).json()).toEqual([
      'acme',
      'globex',
    ]);
    const values = await test.request(
      '/api/v1/meters/m_sum/group-by/model/values?from=2025-01-01T00:00:00Z',
    );
    expect(await values.json()).toEqual(['gpt-4o', 'o3']);
    const ranged = await test.request(
      '/api/v1/meters/m_sum/subjects?from=2025-01-02T00:00:00Z&to=2025-01-02T12:00:00Z',
    );
    expect(await ranged.json()).toEqual(['globex']);
    // group-by values default to the last 24 hours, as in the spec.
    expect(await (await test.request('/api/v1/meters/m_sum/group-by/model/values')).json()).toEqual(
      [],
    );
  });
});

describe('CSV', () => {
  it('answers text/csv when the Accept header asks for it', async () => {
    const csv = await test.client.meters.queryCsv('m_sum', {
      windowSize: 'DAY',
      groupBy: ['subject', 'model'],
      to: '2025-01-02T00:00:00Z',
    });
    expect(csv).toBe(
      [
        'window_start,window_end,subject,model,value',
        '2025-01-01T00:00:00Z,2025-01-02T00:00:00Z,acme,gpt-4o,12.5',
        '2025-01-01T00:00:00Z,2025-01-02T00:00:00Z,acme,o3,4',
        '2025-01-01T00:00:00Z,2025-01-02T00:00:00Z,globex,gpt-4o,1',
        '',
      ].join('\r\n'),
    );
  });
});

describe('query errors', () => {
  it.each([
    ['/api/v1/meters/nope/query', 404],
    ['/api/v1/meters/m_sum/query?windowSize=WEEK', 400],
    ['/api/v1/meters/m_sum/query?windowTimeZone=Mars/Olympus', 400],
    ['/api/v1/meters/m_sum/query?groupBy=region', 400],
    ['/api/v1/meters/m_sum/query?filterGroupBy[region]=eu', 400],
    ['/api/v1/meters/m_sum/query?from=2025-01-01', 400],
    ['/api/v1/meters/m_sum/query?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 400],
    ['/api/v1/meters/m_sum/query?advancedMeterGroupByFilters=%7Bnot-json', 400],
    ['/api/v1/meters/m_sum/query?filterCustomerId=c1', 400],
    ['/api/v1/meters/m_sum/query?advancedMeterGroupByFilters[model]=%5Bobject%20Object%5D', 400],
    ['/api/v1/meters/m_sum/query?filterGroupBy=model', 400],
    ['/api/v1/meters/m_sum/group-by/region/values', 400],
    ['/api/v1/meters/nope/subjects', 404],
  ])('%s -> %d problem', async (path, status) => {
    const response = await test.request(path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await response.json();
    expect(problem).toMatchObject({
      status,
      type: 'about:blank',
      instance: expect.stringMatching(/^urn:request:/),
    });
    expect(problem.detail.length).toBeGreaterThan(10);
  });

  it('refuses a POST query that is not a JSON object', async () => {
    for (const [body, contentType, status] of [
      ['[1]', 'application/json', 400],
      ['{', 'application/json', 400],
      ['{}', 'text/plain', 415],
      [
        JSON.stringify({ advancedMeterGroupByFilters: { model: { $like: '%4%' } } }),
        'application/json',
        400,
      ],
    ] as const) {
      const response = await test.request('/api/v1/meters/m_sum/query', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      expect(response.status).toBe(status);
    }
  });
});
