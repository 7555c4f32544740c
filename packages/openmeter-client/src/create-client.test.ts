import { inspect } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import {
  problemAnswer,
  type ScriptedAnswer,
  startRecordingServer,
} from './__fixtures__/start-recording-server.js';
import { createOpenMeterClient } from './create-client.js';
import {
  InvalidEventError,
  OpenMeterConnectionError,
  OpenMeterError,
  OpenMeterTimeoutError,
} from './errors.js';

const servers: Array<{ close(): Promise<void> }> = [];
async function server(...script: Array<ScriptedAnswer | ScriptedAnswer[]>) {
  const started = await startRecordingServer(script.flat());
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((started) => started.close()));
});

const fastRetry = { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 4, maxElapsedMs: 5_000 };
const event = {
  type: 'openai',
  subject: 'customer-1',
  data: { total_tokens: 12, model: 'gpt-4o' },
};
const secret = 'om_live_SECRET_key_123';

describe('events.ingest', () => {
  test('sends one event as application/cloudevents+json with the bearer key and filled defaults', async () => {
    const recorder = await server();
    const client = createOpenMeterClient({
      baseUrl: recorder.url,
      apiKey: secret,
      generateId: () => 'generated-id-1',
      now: () => new Date('2026-11-27T10:00:00.000Z'),
    });
    await client.events.ingest(event);
    expect(recorder.requests).toHaveLength(1);
    const [request] = recorder.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/v1/events');
    expect(request?.headers['content-type']).toBe('application/cloudevents+json');
    expect(request?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(JSON.parse(request?.body ?? '')).toMatchInlineSnapshot(`
      {
        "data": {
          "model": "gpt-4o",
          "total_tokens": 12,
        },
        "id": "generated-id-1",
        "source": "llm-meter",
        "specversion": "1.0",
        "subject": "customer-1",
        "time": "2026-11-27T10:00:00.000Z",
        "type": "openai",
      }
    `);
  });

  test('sends an array as one application/cloudevents-batch+json request, keeping given ids and Date times', async () => {
    const recorder = await server();
    const client = createOpenMeterClient({ baseUrl: recorder.url });
    await client.events.ingest([
      { ...event, id: 'a', source: 'svc', time: new Date('2026-01-02T03:04:05.000Z') },
      { ...event, id: 'b', time: '2026-01-02T03:04:06Z' },
    ]);
    const [request] = recorder.requests;
    expect(request?.headers['content-type']).toBe('application/cloudevents-batch+json');
    expect(request?.headers.authorization).toBeUndefined();
    const body = JSON.parse(request?.body ?? '');
    expect(body.map((sent: { id: string }) => sent.id)).toEqual(['a', 'b']);
    expect(body[0].source).toBe('svc');
    expect(body[0].time).toBe('2026-01-02T03:04:05.000Z');
    expect(body[1].time).toBe('2026-01-02T03:04:06Z');
  });

  test('an empty batch sends nothing', async () => {
    const recorder = await server();
    await createOpenMeterClient({ baseUrl: recorder.url }).events.ingest([]);
    expect(recorder.requests).toHaveLength(0);
  });

  test.each([
    { given: { type: 'openai' }, field: 'event.subject' },
    { given: { subject: 's', type: '' }, field: 'event.type' },
    { given: { subject: 's', type: 't', data: [1] }, field: 'event.data' },
    { given: { subject: 's', type: 't', time: 'yesterday' }, field: 'event.time' },
    { given: { subject: 's', type: 't', time: 'Jan 1 2024' }, field: 'event.time' },
    { given: { subject: 's', type: 't', time: '2024-01-01' }, field: 'event.time' },
    { given: { subject: 's', type: 't', specversion: '0.3' }, field: 'event.specversion' },
    { given: { subject: 's', type: 't', id: '' }, field: 'event.id' },
  ])('refuses a bad event naming $field, and sends nothing', async ({ given, field }) => {
    const recorder = await server();
    const client = createOpenMeterClient({ baseUrl: recorder.url });
    const error = await client.events.ingest(given as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).field).toBe(field);
    expect((error as Error).message).toContain(field);
    expect(recorder.requests).toHaveLength(0);
  });

  test('retries 503 then succeeds, sending the same generated ids on every attempt', async () => {
    const recorder = await server([{ status: 503 }, { status: 503 }, { status: 204 }]);
    let counter = 0;
    const retries: number[] = [];
    const client = createOpenMeterClient({
      baseUrl: recorder.url,
      retry: fastRetry,
      generateId: () => `id-${++counter}`,
      onRetry: ({ attempt }) => retries.push(attempt),
    });
    await client.events.ingest([event, event]);
    expect(recorder.requests).toHaveLength(3);
    const bodies = recorder.requests.map((request) => request.body);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] ?? '').map((sent: { id: string }) => sent.id)).toEqual([
      'id-1',
      'id-2',
    ]);
    expect(retries).toEqual([1, 2]);
  });

  test('sends once with ingest(events, { retry: false }) whatever the client retry', async () => {
    const recorder = await server([{ status: 503 }, { status: 204 }]);
    const client = createOpenMeterClient({ baseUrl: recorder.url, retry: fastRetry });
    const error = await client.events
      .ingest(event, { retry: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenMeterError);
    expect((error as OpenMeterError).status).toBe(503);
    expect(recorder.requests).toHaveLength(1);
    await client.events.ingest(event);
    expect(recorder.requests).toHaveLength(2);
  });

  test('honours Retry-After in seconds', async () => {
    const recorder = await server([{ status: 503, headers: { 'Retry-After': '1' } }]);
    const client = createOpenMeterClient({ baseUrl: recorder.url, retry: fastRetry });
    await client.events.ingest(event);
    const [first, second] = recorder.requests;
    expect(recorder.requests).toHaveLength(2);
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
  });

  test('honours Retry-After as an HTTP date', async () => {
    const recorder = await server();
    const retryAt = new Date(Math.ceil((Date.now() + 1_500) / 1000) * 1000);
    recorder.answer({ status: 429, headers: { 'Retry-After': retryAt.toUTCString() } });
    const client = createOpenMeterClient({ baseUrl: recorder.url, retry: fastRetry });
    await client.events.ingest(event);
    expect(recorder.requests).toHaveLength(2);
    expect(recorder.requests[1]?.receivedAt ?? 0).toBeGreaterThanOrEqual(retryAt.getTime() - 50);
  });

  test('gives up when Retry-After is beyond the time budget, reporting the wait', async () => {
    const recorder = await server([{ status: 503, headers: { 'Retry-After': '120' } }]);
    const client = createOpenMeterClient({ baseUrl: recorder.url, retry: fastRetry });
    const error = await client.events.ingest(event).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenMeterError);
    expect((error as OpenMeterError).retryAfterMs).toBe(120_000);
    expect((error as OpenMeterError).isRetryable).toBe(true);
    expect(recorder.requests).toHaveLength(1);
  });

  test('stops after maxAttempts with a retryable OpenMeterError', async () => {
    const recorder = await server(Array.from({ length: 5 }, () => ({ status: 500 })));
    const client = createOpenMeterClient({ baseUrl: recorder.url, retry: fastRetry });
    const error = await client.events.ingest(event).catch((caught: unknown) => caught);
    expect(recorder.requests).toHaveLength(4);
    expect((error as OpenMeterError).status).toBe(500);
    expect((error as OpenMeterError).isRetryable).toBe(true);
  });

  test('never retries a 400, and maps its problem+json', async () => {
    const recorder = await server(
      problemAnswer(400, {
        type: 'about:blank',
        title: 'Bad Request',
        detail: 'invalid event: subject is required',
        instance: 'urn:request:local/1',
        extensions: { validationErrors: [{ code: 'validation_error', message: 'subject' }] },
      }),
    );
    const client = createOpenMeterClient({ baseUrl: recorder.url, retry: fastRetry });
    const error = (await client.events
      .ingest(event)
      .catch((caught: unknown) => caught)) as OpenMeterError;
    expect(recorder.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(OpenMeterError);
    expect(error.status).toBe(400);
    expect(error.isRetryable).toBe(false);
    expect(error.problem).toMatchObject({
      type: 'about:blank',
      title: 'Bad Request',
      detail: 'invalid event: subject is required',
      instance: 'urn:request:local/1',
    });
    expect(error.validationErrors).toEqual([{ code: 'validation_error', message: 'subject' }]);
    expect(error.message).toBe(
      `Request failed with status code 400 Bad Request: POST ${recorder.url}/api/v1/events: invalid event: subject is required`,
    );
    expect(error.cause).toBe(error.problem);
  });

  test('times out a slow answer as OpenMeterTimeoutError, then retries to success', async () => {
    const slow = await server([{ status: 204, delayMs: 1_000 }]);
    const once = createOpenMeterClient({ baseUrl: slow.url, timeoutMs: 100, retry: false });
    const error = await once.events.ingest(event).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenMeterTimeoutError);
    expect((error as OpenMeterTimeoutError).isRetryable).toBe(true);

    const recovering = await server([{ status: 204, delayMs: 1_000 }, { status: 204 }]);
    const client = createOpenMeterClient({
      baseUrl: recovering.url,
      timeoutMs: 100,
      retry: fastRetry,
    });
    await client.events.ingest({ ...event, id: 'fixed' });
    // On a loaded machine the quick answer can miss 100 ms too and be retried once more: the
    // point is that a timeout is retried with the same body until an answer arrives.
    expect(recovering.requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(recovering.requests.map((request) => request.body)).size).toBe(1);
  });

  test('a body that stalls after the headers is a timeout too, and is retried', async () => {
    const body = JSON.stringify([{ slug: 'a', eventType: 'openai', aggregation: 'COUNT' }]);
    const answered = { status: 200, headers: { 'content-type': 'application/json' }, body };
    // Stalls until the client gives up (the stall far outlasts any timeout here).
    const stalled = { ...answered, stallBodyMs: 600_000 };
    const recorder = await server(stalled);
    const once = createOpenMeterClient({ baseUrl: recorder.url, timeoutMs: 150, retry: false });
    const error = await once.meters.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenMeterTimeoutError);

    // Every retry after the stalled answer is answered, so a loaded machine on which an answer
    // outlasts the timeout once more still ends with the body.
    const again = await server(stalled, answered, answered, answered);
    const client = createOpenMeterClient({
      baseUrl: again.url,
      timeoutMs: 2_000,
      retry: fastRetry,
    });
    expect(await client.meters.list()).toEqual(JSON.parse(body));
    expect(again.requests.length).toBeGreaterThanOrEqual(2);
  });

  test('a refused connection is an OpenMeterConnectionError, distinct from an HTTP error', async () => {
    const closed = await startRecordingServer();
    await closed.close();
    const client = createOpenMeterClient({ baseUrl: closed.url, retry: false });
    const error = await client.events.ingest(event).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenMeterConnectionError);
    expect(error).not.toBeInstanceOf(OpenMeterError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  test('the API key appears in no error message, inspection or serialization', async () => {
    const recorder = await server(problemAnswer(401, { title: 'Unauthorized', detail: 'bad key' }));
    const client = createOpenMeterClient({ baseUrl: recorder.url, apiKey: secret });
    const error = await client.events.ingest(event).catch((caught: unknown) => caught);
    expect((error as OpenMeterError).status).toBe(401);
    for (const text of [
      (error as Error).message,
      (error as Error).stack ?? '',
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
      inspect(client, { depth: 10, showHidden: true }),
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  test('a 401 or 403 to a client without apiKey says no key was set and how to set one', async () => {
    const recorder = await server(
      problemAnswer(401, { title: 'Unauthorized', detail: 'missing bearer token' }),
      problemAnswer(403, { title: 'Forbidden' }),
      problemAnswer(401, { title: 'Unauthorized', detail: 'bad key' }),
    );
    const keyless = createOpenMeterClient({ baseUrl: recorder.url, retry: false });
    for (const status of [401, 403]) {
      const error = (await keyless.events.ingest(event).catch((caught: unknown) => caught)) as
        | OpenMeterError
        | undefined;
      expect(error).toBeInstanceOf(OpenMeterError);
      expect(error?.status).toBe(status);
      expect(error?.apiKeySet).toBe(false);
      expect(error?.message).toMatch(
        /\. No API key was set: pass apiKey to createOpenMeterClient \(e\.g\. from OPENMETER_API_KEY\)\.$/,
      );
    }
    const keyed = createOpenMeterClient({ baseUrl: recorder.url, apiKey: secret, retry: false });
    const refused = (await keyed.events.ingest(event).catch((caught: unknown) => caught)) as
      | OpenMeterError
      | undefined;
    expect(refused?.apiKeySet).toBe(true);
    expect(refused?.message).toBe(
      `Request failed with status code 401 Unauthorized: POST ${recorder.url}/api/v1/events: bad key`,
    );
  });
});

describe('base URL', () => {
  test.each(['', '/', '/openmeter', '/openmeter/'])('works with suffix %j', async (suffix) => {
    const recorder = await server([
      { status: 200, body: '[]', headers: { 'content-type': 'application/json' } },
    ]);
    const client = createOpenMeterClient({ baseUrl: `${recorder.url}${suffix}` });
    await client.meters.list();
    const prefix = suffix.replace(/\/$/, '');
    expect(recorder.requests[0]?.url).toBe(`${prefix}/api/v1/meters`);
  });

  test('refuses a relative URL with a clear message', () => {
    expect(() => createOpenMeterClient({ baseUrl: 'localhost:8888' })).toThrow(
      /baseUrl must be an absolute http\(s\) URL/,
    );
  });
});

describe('meters', () => {
  const json = (body: unknown) => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  test('query serializes arrays, deepObject filters and Dates as OpenMeter expects', async () => {
    const result = { windowSize: 'DAY', data: [] };
    const recorder = await server(json(result));
    const client = createOpenMeterClient({ baseUrl: recorder.url });
    const answer = await client.meters.query('tokens_total', {
      from: new Date('2026-11-01T00:00:00.000Z'),
      to: '2026-11-27T00:00:00Z',
      windowSize: 'DAY',
      windowTimeZone: 'Europe/Berlin',
      subject: ['customer-1', 'customer-2'],
      groupBy: ['model'],
      filterGroupBy: { model: 'gpt-4o' },
    });
    expect(answer).toEqual(result);
    const url = new URL(recorder.requests[0]?.url ?? '', recorder.url);
    expect(url.pathname).toBe('/api/v1/meters/tokens_total/query');
    expect([...url.searchParams]).toEqual([
      ['from', '2026-11-01T00:00:00.000Z'],
      ['to', '2026-11-27T00:00:00Z'],
      ['windowSize', 'DAY'],
      ['windowTimeZone', 'Europe/Berlin'],
      ['subject', 'customer-1'],
      ['subject', 'customer-2'],
      ['groupBy', 'model'],
      ['filterGroupBy[model]', 'gpt-4o'],
    ]);
    expect(recorder.requests[0]?.headers.accept).toBe('application/json');
  });

  test('queryCsv asks for text/csv and returns the text', async () => {
    const recorder = await server({
      status: 200,
      headers: { 'content-type': 'text/csv' },
      body: 'a,b\n1,2\n',
    });
    const csv = await createOpenMeterClient({ baseUrl: recorder.url }).meters.queryCsv('m');
    expect(csv).toBe('a,b\n1,2\n');
    expect(recorder.requests[0]?.headers.accept).toBe('text/csv');
  });

  test('get, create and delete call the spec paths; a 404 becomes OpenMeterError', async () => {
    const meter = {
      slug: 'tokens_total',
      eventType: 'openai',
      aggregation: 'SUM',
      valueProperty: '$.total_tokens',
    };
    const recorder = await server(
      json(meter),
      { ...json(meter), status: 201 },
      { status: 204 },
      problemAnswer(404, { title: 'Not Found', detail: 'meter not found' }),
    );
    const client = createOpenMeterClient({ baseUrl: recorder.url, retry: fastRetry });
    expect(await client.meters.get('tokens_total')).toEqual(meter);
    expect(await client.meters.create(meter as never)).toEqual(meter);
    await client.meters.delete('tokens_total');
    const error = await client.meters.get('missing').catch((caught: unknown) => caught);
    expect((error as OpenMeterError).status).toBe(404);
    expect((error as OpenMeterError).isRetryable).toBe(false);
    expect(recorder.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/v1/meters/tokens_total',
      'POST /api/v1/meters',
      'DELETE /api/v1/meters/tokens_total',
      'GET /api/v1/meters/missing',
    ]);
  });

  test('does not retry a meter creation (not idempotent) on 503', async () => {
    const recorder = await server({ status: 503 }, { status: 201 });
    const client = createOpenMeterClient({ baseUrl: recorder.url, retry: fastRetry });
    const error = await client.meters
      .create({ slug: 'x', eventType: 'e', aggregation: 'COUNT' } as never)
      .catch((caught: unknown) => caught);
    expect((error as OpenMeterError).status).toBe(503);
    expect(recorder.requests).toHaveLength(1);
  });

  test('events.list passes its filters', async () => {
    const recorder = await server(json([]));
    await createOpenMeterClient({ baseUrl: recorder.url }).events.list({
      subject: 'customer-1',
      limit: 10,
      from: new Date('2026-11-01T00:00:00.000Z'),
    });
    expect(recorder.requests[0]?.url).toBe(
      '/api/v1/events?subject=customer-1&limit=10&from=2026-11-01T00%3A00%3A00.000Z',
    );
  });
});
