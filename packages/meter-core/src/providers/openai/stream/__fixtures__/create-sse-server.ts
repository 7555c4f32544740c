import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the replay server plays a recorded stream: all of it (`complete`), cut by destroying the
 * socket after `at` events (`cut`), an error event after `at` events (`error`), or `at` events
 * and then silence with the connection kept open (`hang`, for aborts).
 */
export interface SseScenario {
  events: ReadonlyArray<Record<string, unknown>>;
  mode: 'complete' | 'cut' | 'error' | 'hang';
  at?: number;
}

/**
 * Starts an HTTP server on 127.0.0.1 that answers every POST with the current scenario's
 * recorded SSE events, as api.openai.com streams them (`data: {...}` lines, then `[DONE]`).
 */
export async function createSseServer(): Promise<{
  baseURL: string;
  play: (scenario: SseScenario) => void;
  close: () => Promise<void>;
}> {
  let scenario: SseScenario = { events: [], mode: 'complete' };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_local' });
      const limit = scenario.mode === 'complete' ? scenario.events.length : (scenario.at ?? 0);
      for (const event of scenario.events.slice(0, limit)) {
        const name = typeof event.type === 'string' ? `event: ${event.type}\n` : '';
        response.write(`${name}data: ${JSON.stringify(event)}\n\n`);
      }
      if (scenario.mode === 'complete') {
        response.end('data: [DONE]\n\n');
      } else if (scenario.mode === 'error') {
        response.end(
          `data: ${JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } })}\n\n`,
        );
      } else if (scenario.mode === 'cut') {
        // Let the written events leave before the connection dies.
        setTimeout(() => response.socket?.destroy(), 10);
      }
    });
  });
  // Idle connections are left for the client to close: with Node's 5 s default the server can
  // close a kept-alive socket just as a client slowed by a loaded machine reuses it (ECONNRESET).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    play: (next) => {
      scenario = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
