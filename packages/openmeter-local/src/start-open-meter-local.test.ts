import { afterEach, describe, expect, it } from 'vitest';
import { createPromptEvent, startTestServer, type TestServer } from './test-server.js';

let current: TestServer | undefined;
afterEach(async () => {
  await current?.server.close();
  current = undefined;
});

describe('startOpenMeterLocal', () => {
  it('serves the metering loop: ingest, then query by subject and model', async () => {
    current = await startTestServer();
    const { client, server } = current;
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await client.events.ingest([
      createPromptEvent({
        id: 'a',
        subject: 'customer-1',
        data: { tokens: 10, model: 'gpt-4o', type: 'input' },
      }),
      createPromptEvent({
        id: 'b',
        subject: 'customer-1',
        data: { tokens: '5', model: 'gpt-4o', type: 'output' },
      }),
      createPromptEvent({
        id: 'c',
        subject: 'customer-2',
        data: { tokens: 7, model: 'o3', type: 'input' },
      }),
    ]);
    const result = await client.meters.query('tokens_total', {
      from: '2025-01-15T00:00:00Z',
      to: '2025-01-16T00:00:00Z',
      windowSize: 'DAY',
      groupBy: ['subject', 'model'],
    });
    expect(result).toMatchInlineSnapshot(`
      {
        "data": [
          {
            "groupBy": {
              "model": "gpt-4o",
            },
            "subject": "customer-1",
            "value": 15,
            "windowEnd": "2025-01-16T00:00:00Z",
            "windowStart": "2025-01-15T00:00:00Z",
          },
          {
            "groupBy": {
              "model": "o3",
            },
            "subject": "customer-2",
            "value": 7,
            "windowEnd": "2025-01-16T00:00:00Z",
            "windowStart": "2025-01-15T00:00:00Z",
          },
        ],
        "from": "2025-01-15T00:00:00Z",
        "to": "2025-01-16T00:00:00Z",
        "windowSize": "DAY",
      }
    `);
  });
});
