import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An event as the test server stored it. */
export interface StoredEvent {
  id: string;
  source: string;
  subject: string;
  time: string;
  data: Record<string, unknown>;
}

/** A scripted answer instead of normal ingestion. */
export interface FaultAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait before answering (and still ingest when `status` is 2xx / undefined). */
  delayMs?: number;
  /**
   * Hold the answer until this settles (and still ingest when `status` is 2xx / undefined): the
   * test releases it on an event it waits for, never after an amount of time.
   */
  release?: Promise<unknown>;
}

/**
 * A small OpenMeter-like ingest endpoint for fault tests: dedups on (source, id), rejects events
 * whose `time` does not parse or whose `data.total_tokens` is not a number with 400 problem+json,
 * and lets a test script faults per request through `fault`.
 */
export async function startTestOpenMeter({
  port = 0,
  fault,
}: {
  port?: number;
  fault?: (request: { index: number; events: StoredEvent[] }) => FaultAnswer | undefined;
} = {}) {
  const stored = new Map<string, StoredEvent>();
  let requestCount = 0;
  let ingestedDuplicates = 0;
  // Requests being handled, counted until the handler is done (even when the client gave up).
  let inFlight = 0;
  const idleWaiters: Array<() => void> = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      inFlight++;
      try {
        await answer(chunks, response);
      } finally {
        inFlight--;
        if (inFlight === 0) for (const resolve of idleWaiters.splice(0)) resolve();
      }
    });
  });
  const answer = async (chunks: Buffer[], response: http.ServerResponse) => {
    const index = requestCount++;
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]') as unknown;
    const events = (Array.isArray(parsed) ? parsed : [parsed]) as StoredEvent[];
    const scripted = fault?.({ index, events });
    if (scripted?.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
    if (scripted?.release) await scripted.release;
    if (scripted && scripted.status >= 300) {
      response.writeHead(scripted.status, {
        'content-type': 'application/problem+json',
        ...scripted.headers,
      });
      response.end(JSON.stringify(scripted.body ?? { title: 'fault', status: scripted.status }));
      return;
    }
    const invalid = events.findIndex(
      (event) =>
        Number.isNaN(Date.parse(event.time)) || typeof event.data?.total_tokens !== 'number',
    );
    if (invalid >= 0) {
      response.writeHead(400, { 'content-type': 'application/problem+json' });
      response.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail: `event[${invalid}] (id ${events[invalid]?.id}) is invalid`,
        }),
      );
      return;
    }
    for (const event of events) {
      const key = `${event.source}\u0000${event.id}`;
      if (stored.has(key)) ingestedDuplicates++;
      else stored.set(key, event);
    }
    response.writeHead(204).end();
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    stored,
    get requestCount() {
      return requestCount;
    },
    get duplicates() {
      return ingestedDuplicates;
    },
    /** Resolves once no request is being answered (at once when none is). */
    idle(): Promise<void> {
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    totalTokens() {
      let total = 0;
      for (const event of stored.values()) total += Number(event.data.total_tokens);
      return total;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Builds a valid usage CloudEvent for tests. */
export function createTestEvent({
  index,
  tokens = 10,
  source = 'test',
  subject = 'customer-1',
}: {
  index: number;
  tokens?: number;
  source?: string;
  subject?: string;
}) {
  return {
    specversion: '1.0',
    id: `event-${index}`,
    source,
    type: 'llm.usage',
    subject,
    time: '2026-01-01T00:00:00.000Z',
    data: {
      model: 'gpt-4o-mini',
      prompt_tokens: tokens,
      completion_tokens: 0,
      total_tokens: tokens,
      usage_source: 'provider',
    },
  };
}
