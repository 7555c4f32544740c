import { afterEach, describe, expect, test } from 'vitest';
import {
  problemAnswer,
  type ScriptedAnswer,
  startRecordingServer,
} from '../__fixtures__/start-recording-server.js';
import { OpenMeterError } from '../errors.js';
import { createOpenMeterV3Client } from './create-open-meter-v3-client.js';

// Wire-level checks against a recording server: what a gateway in front of OpenMeter may
// answer (an empty 202, a 202 with a text body) and the v3 problem shape. The calls against a
// real v3 server are in openmeter-local (`handle-v3-*.test.ts`).
const servers: Array<{ close(): Promise<void> }> = [];
async function server(...script: ScriptedAnswer[]) {
  const started = await startRecordingServer(script);
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((started) => started.close()));
});

const fastRetry = { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 4, maxElapsedMs: 5_000 };
const event = { type: 'openai', subject: 'customer-1', data: { total_tokens: 12 } };

describe('events.ingest on v3', () => {
  test.each([
    { name: 'an empty 202', answer: { status: 202 } },
    { name: 'a 202 with a text body', answer: { status: 202, body: 'Accepted' } },
    {
      name: 'a chunked 202 with a JSON body',
      answer: { status: 202, headers: { 'Transfer-Encoding': 'chunked' }, body: '{}' },
    },
  ])(
    'posts a batch to /openmeter/events under the v3 root and takes $name as success',
    async ({ answer }) => {
      const recorder = await server(answer);
      const client = createOpenMeterV3Client({
        baseUrl: `${recorder.url}/api/v3/`,
        apiKey: 'key',
        generateId: () => 'id-1',
        now: () => new Date('2026-12-07T10:00:00.000Z'),
      });
      await client.events.ingest([event]);
      const [request] = recorder.requests;
      expect(request?.url).toBe('/api/v3/openmeter/events');
      expect(request?.headers['content-type']).toBe('application/cloudevents-batch+json');
      expect(request?.headers.authorization).toBe('Bearer key');
      expect(JSON.parse(request?.body ?? '')).toEqual([
        {
          ...event,
          id: 'id-1',
          source: 'llm-meter',
          specversion: '1.0',
          time: '2026-12-07T10:00:00.000Z',
        },
      ]);
    },
  );

  test('retries a 503 with the same ids, then succeeds on 202', async () => {
    const recorder = await server({ status: 503 }, { status: 429 }, { status: 202 });
    let ids = 0;
    const client = createOpenMeterV3Client({
      baseUrl: `${recorder.url}/v3`,
      retry: fastRetry,
      generateId: () => `id-${++ids}`,
    });
    await client.events.ingest(event);
    expect(recorder.requests.map((request) => request.url)).toEqual([
      '/v3/openmeter/events',
      '/v3/openmeter/events',
      '/v3/openmeter/events',
    ]);
    expect(new Set(recorder.requests.map((request) => JSON.parse(request.body).id))).toEqual(
      new Set(['id-1']),
    );
  });

  test('a v3 400 problem becomes OpenMeterError with its invalid_parameters, never retried', async () => {
    const invalid = [
      { field: 'subject', rule: 'required', reason: 'subject is required', source: 'body' },
    ];
    const recorder = await server(
      problemAnswer(400, {
        status: 400,
        title: 'Bad Request',
        detail: 'Invalid event',
        instance: 'kong:trace:1',
        invalid_parameters: invalid,
      }),
    );
    const client = createOpenMeterV3Client({ baseUrl: `${recorder.url}/v3`, retry: fastRetry });
    const error = await client.events.ingest(event).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenMeterError);
    expect((error as OpenMeterError).status).toBe(400);
    expect((error as OpenMeterError).isRetryable).toBe(false);
    expect((error as OpenMeterError).validationErrors).toEqual(invalid);
    expect((error as Error).message).toBe(
      `Request failed with status code 400 Bad Request: POST ${recorder.url}/v3/openmeter/events: Invalid event`,
    );
    expect(recorder.requests).toHaveLength(1);
  });
});

describe('queries on v3', () => {
  test('events.list sends page and filter as nested deepObject parameters', async () => {
    const recorder = await server({
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: [], meta: { page: { size: 2, next: null, previous: null } } }),
    });
    const client = createOpenMeterV3Client({ baseUrl: `${recorder.url}/api/v3` });
    const page = await client.events.list({
      page: { size: 2, after: 'cursor-1' },
      filter: { subject: { eq: 'customer-1' }, time: { gte: '2026-12-01T00:00:00Z' } },
      sort: 'time asc',
    });
    expect(page.data).toEqual([]);
    expect(decodeURIComponent(recorder.requests[0]?.url ?? '')).toBe(
      '/api/v3/openmeter/events?page[size]=2&page[after]=cursor-1&filter[subject][eq]=customer-1&filter[time][gte]=2026-12-01T00:00:00Z&sort=time+asc',
    );
  });

  test('meters.query posts JSON with the default time zone; a 503 is retried (a read)', async () => {
    const result = { data: [] };
    const recorder = await server(
      { status: 503 },
      {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(result),
      },
    );
    const client = createOpenMeterV3Client({ baseUrl: `${recorder.url}/api/v3`, retry: fastRetry });
    await expect(
      client.meters.query('01G65Z755AFWAKHE12NY0CQ9FH', { granularity: 'P1D' }),
    ).resolves.toEqual(result);
    expect(recorder.requests).toHaveLength(2);
    expect(recorder.requests[1]?.url).toBe(
      '/api/v3/openmeter/meters/01G65Z755AFWAKHE12NY0CQ9FH/query',
    );
    expect(JSON.parse(recorder.requests[1]?.body ?? '')).toEqual({
      granularity: 'P1D',
      time_zone: 'UTC',
    });
  });

  test('customers.create is sent once on a 503 (not safe to repeat)', async () => {
    const recorder = await server({ status: 503 });
    const client = createOpenMeterV3Client({ baseUrl: `${recorder.url}/api/v3`, retry: fastRetry });
    await expect(client.customers.create({ key: 'c', name: 'C' })).rejects.toMatchObject({
      status: 503,
      isRetryable: true,
    });
    expect(recorder.requests).toHaveLength(1);
  });
});
