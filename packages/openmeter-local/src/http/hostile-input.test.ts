import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromptEvent, startTestServer, type TestServer } from '../test-server.js';
import { DEFAULT_REQUEST_LIMITS } from './request-limits.js';

let test: TestServer;
beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test.server.close();
});

const FROM = '0000-01-01T00:00:00Z';

async function post(body: unknown): Promise<Response> {
  return test.request('/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function listIds(): Promise<string[]> {
  const events = await test.client.events.list({ from: FROM, limit: 100 });
  return events.map((ingested) => ingested.event.id);
}

async function expectProblem(response: Response, status: number, detail: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = await response.json();
  expect(problem.detail).toMatch(detail);
  return problem;
}

describe('hostile input', () => {
  it.each([
    { name: 'id', given: { id: 'sur\ud800' }, field: 'id' },
    { name: 'subject', given: { subject: 'customer-\udc00' }, field: 'subject' },
    {
      name: 'a group-by value',
      given: { data: { tokens: 1, model: 'gpt\ud800' } },
      field: 'data.model',
    },
    { name: 'a data key', given: { data: { tokens: 1, 'k\udfff': 'x' } }, field: 'data.k\udfff' },
  ])(
    'refuses a lone surrogate in $name with 400 naming the field, storing nothing',
    async ({ given, field }) => {
      const before = await listIds();
      const good = createPromptEvent({ id: 'fine-beside-surrogate' });
      const bad = { ...createPromptEvent({ id: 'surrogate' }), ...given };
      const problem = await expectProblem(await post([good, bad]), 400, /lone UTF-16 surrogate/);
      expect(problem.extensions.validationErrors).toEqual([
        expect.objectContaining({ index: 1, field }),
      ]);
      expect(await listIds()).toEqual(before);
    },
  );

  it('stores a value beyond ±(2^53 - 1) uncounted, with a validationError, never a null sum', async () => {
    const subject = 'customer-huge';
    const events = [
      createPromptEvent({ id: 'huge-1', subject, data: { tokens: 1e308, model: 'm', type: 'x' } }),
      createPromptEvent({ id: 'huge-2', subject, data: { tokens: 1e308, model: 'm', type: 'x' } }),
      createPromptEvent({ id: 'normal', subject, data: { tokens: 7, model: 'm', type: 'x' } }),
    ];
    expect((await post(events)).status).toBe(204);
    // 1e400 parses to Infinity: sent as raw JSON text.
    const infinite = JSON.stringify([
      createPromptEvent({ id: 'infinite', subject, data: { tokens: 0, model: 'm', type: 'x' } }),
    ]).replace('"tokens":0', '"tokens":1e400');
    expect((await post(infinite)).status).toBe(204);
    const result = await test.client.meters.query('tokens_total', { subject: [subject] });
    expect(result.data.map((row) => row.value)).toEqual([7]);
    const listed = await test.client.events.list({ from: FROM, subject, limit: 100 });
    const errors = Object.fromEntries(
      listed.map((ingested) => [ingested.event.id, ingested.validationError]),
    );
    expect(errors.normal).toBeUndefined();
    for (const id of ['huge-1', 'huge-2', 'infinite']) {
      expect(errors[id], id).toMatch(/outside ±9007199254740991 \(2\^53 - 1\)/);
    }
  });

  it('keeps years 0000-0099 as written', async () => {
    const event = createPromptEvent({
      id: 'year-50',
      subject: 'ancient',
      time: '0050-06-01T00:00:00Z',
    });
    expect((await post([event])).status).toBe(204);
    const [listed] = await test.client.events.list({
      from: '0050-01-01T00:00:00Z',
      to: '0051-01-01T00:00:00Z',
      subject: 'ancient',
    });
    expect(listed?.event.time).toBe('0050-06-01T00:00:00Z');
    const result = await test.client.meters.query('tokens_total', {
      from: '0050-06-01T00:00:00Z',
      to: '0050-06-02T00:00:00Z',
      subject: ['ancient'],
    });
    expect(result.data.map((row) => [row.value, row.windowStart])).toEqual([
      [10, '0050-06-01T00:00:00Z'],
    ]);
  });

  it('refuses data nested 5,000 deep with a 400 stating the limit', async () => {
    // Built as text: JSON.stringify itself would overflow the stack at this depth.
    const data = `${'{"inner":'.repeat(5_000)}{"tokens":1}${'}'.repeat(5_000)}`;
    const event = JSON.stringify(createPromptEvent({ id: 'deep' })).replace(
      /"data":\{[^}]*\}/,
      `"data":${data}`,
    );
    const problem = await expectProblem(
      await post(`[${event}]`),
      400,
      new RegExp(`deeper than the limit of ${DEFAULT_REQUEST_LIMITS.maxEventDepth} levels`),
    );
    expect(problem.extensions.validationErrors[0].field).toMatch(/^data\.inner\.inner/);
  });

  it('refuses a $in of 40,000 values with a 400 stating the limit', async () => {
    const values = Array.from({ length: 40_000 }, (_, index) => `model-${index}`);
    await expectProblem(
      await test.request('/api/v1/meters/tokens_total/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advancedMeterGroupByFilters: { model: { $in: values } } }),
      }),
      400,
      new RegExp(`more than ${DEFAULT_REQUEST_LIMITS.maxFilterValues} values`),
    );
  });

  it('refuses a 5,000-deep $and in the URL with a 400 stating the limit', async () => {
    const filter = `${'{"$and":['.repeat(5_000)}{"$eq":"gpt-4o"}${']}'.repeat(5_000)}`;
    const search = new URLSearchParams({ advancedMeterGroupByFilters: `{"model":${filter}}` });
    await expectProblem(
      await test.request(`/api/v1/meters/tokens_total/query?${search}`),
      400,
      new RegExp(`deeper than the limit of ${DEFAULT_REQUEST_LIMITS.maxFilterDepth} levels`),
    );
  });

  it('lists at most 100 errors for a batch of 100,000 invalid events, in a small body', async () => {
    const response = await post(Array.from({ length: 100_000 }, () => ({})));
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text.length).toBeLessThan(50_000);
    const problem = JSON.parse(text);
    expect(problem.detail).toMatch(
      /^100000 of 100000 events are invalid, nothing was stored \(validationErrors lists the first 100 problems only\)/,
    );
    expect(problem.extensions.validationErrors).toHaveLength(
      DEFAULT_REQUEST_LIMITS.maxListedErrors,
    );
  });

  it('answers 400 to bad percent-encoding in a path', async () => {
    await expectProblem(
      await test.request('/api/v1/meters/%E0%A4%A/query'),
      400,
      /not valid percent-encoding/,
    );
  });

  it('answers a request line over the header limit with a 431 problem stating it', async () => {
    const response = await test.request(`/api/v1/meters?pad=${'x'.repeat(300 * 1024)}`);
    await expectProblem(response, 431, /exceed 262144 bytes: send long queries as POST/);
  });
});
