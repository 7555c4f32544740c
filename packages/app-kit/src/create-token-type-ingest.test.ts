import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMeterMeters } from '@llm-meter/meter-core';
import { createUsageOutbox, type OutboxEvent } from '@llm-meter/meter-outbox';
import { createOpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { type OpenMeterLocal, startOpenMeterLocal } from '@llm-meter/openmeter-local';
import { afterEach, expect, test } from 'vitest';
import { createTokenTypeIngest, type RefusedTokenTypeEvents } from './create-token-type-ingest.js';

// The outbox delivering through v3 with token-type events to a real openmeter-local, with a
// fault in front of it (the client's fetch): what OpenMeter makes of the token-type events never
// costs a usage event.
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function usageEvent(index: number): OutboxEvent {
  return {
    specversion: '1.0',
    id: `chatcmpl-${index}`,
    source: 'llm-meter',
    type: 'openai',
    subject: 'customer-acme',
    time: `2026-12-07T10:00:0${index}Z`,
    data: {
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      service_tier: 'default',
      endpoint: 'chat.completions',
      usage_source: 'provider',
      prompt_tokens: 1000 + index,
      cached_tokens: 512,
      completion_tokens: 10 + index,
      total_tokens: 1010 + 2 * index,
    },
  };
}

/** Answers `status` to ingest requests carrying an id `refuse` picks; the server answers the rest. */
function faultyFetch({
  status,
  refuse,
}: {
  status: number;
  refuse: (ids: string[], request: number) => boolean;
}): typeof fetch {
  let requests = 0;
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.method !== 'POST') return fetch(request);
    const body = JSON.parse(await request.clone().text()) as Array<{ id: string }>;
    if (
      !refuse(
        body.map((event) => event.id),
        requests++,
      )
    )
      return fetch(request);
    return new Response(JSON.stringify({ status, title: 'fault', detail: 'refused by the test' }), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    });
  };
}

async function deliver({
  server,
  fetch: fetchImpl,
  events,
}: {
  server: OpenMeterLocal;
  fetch: typeof fetch;
  events: OutboxEvent[];
}) {
  const refused: RefusedTokenTypeEvents[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'token-type-ingest-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const outbox = await createUsageOutbox({
    client: createTokenTypeIngest({
      client: createOpenMeterV3Client({
        baseUrl: `${server.url}/api/v3`,
        retry: false,
        fetch: fetchImpl,
      }),
      usageEventType: 'openai',
      onRefused: (refusal) => refused.push(refusal),
    }),
    dir,
    batchSize: 50,
    flushIntervalMs: 5,
    retry: { initialDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 50 },
    logger: false,
  });
  cleanups.push(() => outbox.close({ deadlineMs: 100 }));
  for (const event of events) outbox.enqueue(event);
  expect((await outbox.flush()).drained).toBe(true);
  const client = createOpenMeterV3Client({ baseUrl: `${server.url}/api/v3` });
  const stored = (await client.events.list({ page: { size: 1000 } })).data.map(
    ({ event }) => event.id,
  );
  return { stats: outbox.stats(), refused, stored: stored.sort() };
}

async function start() {
  const server = await startOpenMeterLocal({ meters: openMeterMeters });
  cleanups.push(() => server.close());
  return server;
}

test('a refused token-type event never dead-letters its usage event; the other token types are delivered', async () => {
  const server = await start();
  const { stats, refused, stored } = await deliver({
    server,
    // OpenMeter refuses (400) any request with chatcmpl-2's output event.
    fetch: faultyFetch({ status: 400, refuse: (ids) => ids.includes('chatcmpl-2:output') }),
    events: [usageEvent(1), usageEvent(2), usageEvent(3)],
  });
  expect(stats).toMatchObject({ delivered: 3, deadLettered: 0 });
  expect(refused.map((refusal) => refusal.usageEventIds)).toEqual([['chatcmpl-2']]);
  expect(stored).toEqual([
    'chatcmpl-1',
    'chatcmpl-1:cache_read',
    'chatcmpl-1:input',
    'chatcmpl-1:output',
    'chatcmpl-2',
    'chatcmpl-3',
    'chatcmpl-3:cache_read',
    'chatcmpl-3:input',
    'chatcmpl-3:output',
  ]);
});

test('a retryable failure of the token-type request sends the batch again, and nothing is stored twice', async () => {
  const server = await start();
  let failed = 0;
  const { stats, refused, stored } = await deliver({
    server,
    // The first two token-type requests answer 503 (the usage request before them was stored).
    fetch: faultyFetch({
      status: 503,
      refuse: (ids) => ids.some((id) => id.includes(':')) && failed++ < 2,
    }),
    events: [usageEvent(1), usageEvent(2)],
  });
  expect(failed).toBe(3);
  expect(stats).toMatchObject({ delivered: 2, deadLettered: 0 });
  expect(stats.retried).toBeGreaterThan(0);
  expect(refused).toEqual([]);
  expect(stored).toEqual([
    'chatcmpl-1',
    'chatcmpl-1:cache_read',
    'chatcmpl-1:input',
    'chatcmpl-1:output',
    'chatcmpl-2',
    'chatcmpl-2:cache_read',
    'chatcmpl-2:input',
    'chatcmpl-2:output',
  ]);
});
