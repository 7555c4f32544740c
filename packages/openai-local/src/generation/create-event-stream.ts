import type { ServerResponse } from 'node:http';
import type { OpenAILocalFault } from '../server/openai-local-fault.js';
import { sleep } from '../server/sleep.js';

/**
 * A server-sent events writer with pacing and the stream faults (drop, stall) built in.
 */
export interface EventStream {
  /**
   * Writes one `data:` event (objects are JSON-encoded), optionally with an `event:` line.
   * Resolves false once the stream is gone (client left, fault dropped it, server closing).
   */
  send(input: { data: unknown; event?: string | undefined }): Promise<boolean>;
  /** Waits the pause between two tokens; resolves false once the stream is gone. */
  pace(): Promise<boolean>;
  /**
   * Ends the response normally, two turns of the event loop after the last event: resolves once
   * it has ended, or once the stream is gone.
   */
  end(): Promise<void>;
  /**
   * How the stream stands: `open`, `ended` (sent in full), `dropped` (the server broke it off,
   * a drop fault) or `aborted` (the client went away, or the server closed).
   */
  state(): 'open' | 'ended' | 'dropped' | 'aborted';
}

/**
 * Sends the stream headers right away (as OpenAI does) and returns an {@link EventStream}.
 */
export function createEventStream({
  response,
  signal,
  fault,
  tokensPerSecond,
  headers,
  framing = 'sse',
}: {
  response: ServerResponse;
  signal: AbortSignal;
  fault: OpenAILocalFault;
  tokensPerSecond: number;
  headers: Record<string, string>;
  /**
   * `sse` (default): `data:` events. `json-array`: each event an element of one JSON array sent
   * as it grows, as Gemini's `streamGenerateContent` answers without `alt=sse`.
   */
  framing?: 'sse' | 'json-array' | undefined;
}): EventStream {
  response.writeHead(200, {
    ...headers,
    'content-type':
      framing === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/json; charset=UTF-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.flushHeaders();
  let sent = 0;
  let stalled = false;
  let dropped = false;
  let ended = false;
  const interval = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
  // Pacing is a matter of durations: the monotonic clock, which no clock change can jump.
  let nextTokenAt = performance.now();

  const isOpen = () => !signal.aborted && !response.destroyed && !response.writableEnded;

  return {
    async send({ data, event }) {
      if (!isOpen()) return false;
      if (fault.dropAfterChunks !== undefined && sent >= fault.dropAfterChunks) {
        // Close the TCP connection mid-body (the chunked encoding never terminates), as when a
        // proxy or the server dies mid-stream. The response hands its writes to the socket on a
        // later tick (Node 24 holds them until then): let it, then end the socket, which sends
        // them before its FIN, so the client sees exactly N events before the error.
        dropped = true;
        await new Promise<void>((resolve) => setImmediate(resolve));
        const socket = response.socket;
        if (socket !== null) await new Promise<void>((resolve) => socket.end(resolve));
        response.destroy();
        return false;
      }
      if (!stalled && fault.stallAfterChunks !== undefined && sent >= fault.stallAfterChunks) {
        stalled = true;
        if (
          !(await sleep({
            milliseconds: fault.stallMs ?? Number.POSITIVE_INFINITY,
            signal,
            until: fault.until,
          }))
        )
          return false;
      }
      if (!isOpen()) return false;
      const payload = typeof data === 'string' ? data : JSON.stringify(data);
      const text =
        framing === 'sse'
          ? `${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`
          : `${sent === 0 ? '[' : '\n,\r\n'}${payload}`;
      sent += 1;
      if (!response.write(text)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            response.off('drain', done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          response.on('drain', done);
          signal.addEventListener('abort', done, { once: true });
        });
      }
      return isOpen();
    },
    async pace() {
      if (interval === 0) return isOpen();
      // Schedule against a running clock so timer overhead does not slow the stream down, but
      // never behind now: after a stall (a fault, or an event loop busy for longer than a token)
      // the stream resumes its pace instead of sending every overdue token at once. Such a burst
      // can carry the rest of a short answer to a client still busy with its start, which then
      // reads its abort point and the end of the response together (see `end`).
      const now = performance.now();
      nextTokenAt = Math.max(nextTokenAt + interval, now);
      const wait = nextTokenAt - now;
      if (wait > 0 && !(await sleep({ milliseconds: wait, signal }))) return false;
      return isOpen();
    },
    async end() {
      if (!isOpen()) return;
      // Everything is sent: the answer is complete even if the client leaves before the end.
      ended = true;
      // The end goes out on a later turn than the last events, never in the same read: a client
      // that aborts while it reads those events must still find the response unfinished, as
      // Node 20 and 22's fetch (undici 6) never settles a read after an abort that comes once
      // the whole response has arrived, and the openai SDK's loop then never returns. The
      // first turn lets the loop leave the phase that wrote the events, the second comes after
      // the poll phase in which a client in this process reads them.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (isOpen()) response.end(framing === 'sse' ? undefined : sent === 0 ? '[]' : '\n]');
    },
    state() {
      if (ended) return 'ended';
      if (dropped) return 'dropped';
      return isOpen() ? 'open' : 'aborted';
    },
  };
}
