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
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const index = requestCount++;
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]') as unknown;
      const events = (Array.isArray(parsed) ? parsed : [parsed]) as StoredEvent[];
      const answer = fault?.({ index, events });
      if (answer?.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      if (answer && answer.status >= 300) {
        response.writeHead(answer.status, {
          'content-type': 'application/problem+json',
          ...answer.headers,
        });
        response.end(JSON.stringify(answer.body ?? { title: 'fault', status: answer.status }));
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
    });
  });
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
