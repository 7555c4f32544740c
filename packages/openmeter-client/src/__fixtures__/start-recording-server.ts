import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** What the server answers to the next request. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
  /** Send the headers and the first half of the body, then wait this long before the rest. */
  stallBodyMs?: number;
}

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers from a script
 * (then 204 once the script runs out), for client tests without mocks.
 */
export async function startRecordingServer(script: ScriptedAnswer[] = []) {
  const requests: RecordedRequest[] = [];
  const pending = [...script];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      });
      const answer = pending.shift() ?? { status: 204 };
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status, answer.headers);
        if (answer.stallBodyMs && answer.body) {
          const half = Math.floor(answer.body.length / 2);
          response.write(answer.body.slice(0, half));
          const stall = setTimeout(() => {
            if (!response.destroyed) response.end(answer.body?.slice(half));
          }, answer.stallBodyMs);
          // A client that gave up ends the stall: no timer outlives the test.
          response.once('close', () => clearTimeout(stall));
          return;
        }
        response.end(answer.body);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  // Idle connections are left for the client to close (Node's 5 s default races a client
  // slowed by a loaded machine reusing the socket: ECONNRESET).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Adds answers to the script. */
    answer(...answers: ScriptedAnswer[]) {
      pending.push(...answers);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A problem+json answer. */
export function problemAnswer(status: number, problem: Record<string, unknown>): ScriptedAnswer {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
    body: JSON.stringify({ status, ...problem }),
  };
}
