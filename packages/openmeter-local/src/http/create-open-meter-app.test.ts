import { createOpenMeterClient, type OpenMeterError } from '@llm-meter/openmeter-client';
import { describe, expect, it } from 'vitest';
import { createPromptEvent, startTestServer } from '../test-server.js';

describe('routing', () => {
  it('answers unknown routes with 404 and wrong methods with 405 and Allow, as problems', async () => {
    const test = await startTestServer();
    try {
      const cases = [
        ['GET', '/', 404, undefined],
        ['GET', '/api/v2/events', 404, undefined],
        ['PUT', '/api/v1/events', 405, 'GET, POST'],
        ['PATCH', '/api/v1/meters/tokens_total', 405, 'GET, DELETE'],
        ['DELETE', '/api/v1/meters/tokens_total/query', 405, 'GET, POST'],
        ['POST', '/api/v1/meters/tokens_total/subjects', 405, 'GET'],
      ] as const;
      for (const [method, path, status, allow] of cases) {
        const response = await test.request(path, { method });
        expect(response.status, `${method} ${path}`).toBe(status);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.headers.get('allow') ?? undefined).toBe(allow);
        expect(await response.json()).toMatchObject({
          status,
          title: expect.any(String),
          detail: expect.any(String),
        });
      }
      expect((await test.request('/api/v1/meters/', {})).status).toBe(200);
    } finally {
      await test.server.close();
    }
  });
});

describe('API key', () => {
  it('requires Authorization: Bearer <key> on every request when configured', async () => {
    const logged: string[] = [];
    const logger = {
      debug: (message: string, fields?: object) => logged.push(message + JSON.stringify(fields)),
      info: (message: string, fields?: object) => logged.push(message + JSON.stringify(fields)),
      warn: (message: string) => logged.push(message),
      error: (message: string) => logged.push(message),
    };
    const test = await startTestServer({ apiKey: 'secret-key-123', logger });
    try {
      await test.client.events.ingest(createPromptEvent({ id: 'authorized' }));
      expect(await test.client.meters.list()).toHaveLength(2);

      for (const authorization of [
        undefined,
        'Bearer wrong',
        'secret-key-123',
        'Basic secret-key-123',
        'Bearer ',
      ]) {
        for (const path of ['/api/v1/meters', '/api/v1/events', '/nowhere']) {
          const response = await test.request(
            path,
            authorization ? { headers: { authorization } } : {},
          );
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe('Bearer');
          expect(response.headers.get('content-type')).toBe('application/problem+json');
        }
      }
      const wrongClient = createOpenMeterClient({
        baseUrl: test.server.url,
        apiKey: 'nope',
        retry: false,
      });
      const error = await wrongClient.events
        .ingest(createPromptEvent({ id: 'refused' }))
        .catch((caught: unknown) => caught);
      expect((error as OpenMeterError).status).toBe(401);
      expect(await test.client.events.list({ from: '2020-01-01T00:00:00Z' })).toHaveLength(1);
      expect(logged.join('\n')).not.toContain('secret-key-123');
      expect(logged.some((line) => line.startsWith('POST /api/v1/events 204'))).toBe(true);
    } finally {
      await test.server.close();
    }
  });
});
