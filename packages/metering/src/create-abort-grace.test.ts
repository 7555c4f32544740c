import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAbortGrace, maxAbortGraces } from './create-abort-grace.js';

let answer: ServerResponse | undefined;
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.write('first;');
  answer = response;
});
let url: string;
beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A grace whose timers are the test's: each started grace waits until the test ends it. */
function watchedGrace() {
  const caller = new AbortController();
  const started: Array<() => void> = [];
  let onStart: () => void = () => undefined;
  const grace = createAbortGrace({
    callerSignal: caller.signal,
    graceMs: 200,
    sleep: () =>
      new Promise<void>((resolve) => {
        started.push(resolve);
        onStart();
      }),
  });
  /** Resolves with the end of the `count`th grace (1-based) once it has started. */
  const graceStarted = (count: number) =>
    new Promise<() => void>((resolve) => {
      const check = () => {
        const end = started[count - 1];
        if (end) resolve(end);
      };
      onStart = check;
      check();
    });
  return { caller, grace, graceStarted };
}

describe('createAbortGrace', () => {
  it('reads what upstream has already sent before it aborts upstream at the end of the grace', async () => {
    const { caller, grace, graceStarted } = watchedGrace();
    const upstream = await request(url, { signal: grace.signal });
    let received = '';
    const ended = new Promise<string>((resolve) => {
      upstream.body.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
      });
      upstream.body.once('end', () => {
        grace.release();
        resolve('end');
      });
      upstream.body.once('error', () => resolve('aborted'));
    });
    await expect.poll(() => received).toBe('first;');
    caller.abort();
    const endGrace = await graceStarted(1);
    // A busy process: the rest of the answer, and its end, reach the proxy's socket in the same
    // turn of the event loop as the grace's timer fires, before the socket is read. Upstream
    // has finished and billed it all: it must be read, not cut off unread.
    setTimeout(() => {
      answer?.end('rest');
      endGrace();
    }, 0);
    expect(await ended).toBe('end');
    expect(received).toBe('first;rest');
  });

  it('reads on for another grace while upstream keeps sending, and aborts after a silent one', async () => {
    const { caller, grace, graceStarted } = watchedGrace();
    // Sent before the caller left: it does not extend anything.
    grace.progress();
    caller.abort();
    const endFirst = await graceStarted(1);
    grace.progress();
    endFirst();
    // Upstream sent something during the first grace: a second one starts, nothing is aborted.
    const endSecond = await graceStarted(2);
    expect(grace.signal.aborted).toBe(false);
    endSecond();
    await expect.poll(() => grace.signal.aborted).toBe(true);
  });

  it(`aborts upstream still sending after ${maxAbortGraces} graces`, async () => {
    const { caller, grace, graceStarted } = watchedGrace();
    caller.abort();
    for (let count = 1; count < maxAbortGraces; count += 1) {
      const end = await graceStarted(count);
      grace.progress();
      end();
    }
    const last = await graceStarted(maxAbortGraces);
    expect(grace.signal.aborted).toBe(false);
    grace.progress();
    last();
    await expect.poll(() => grace.signal.aborted).toBe(true);
  });

  it('aborts nothing once released', async () => {
    const { caller, grace, graceStarted } = watchedGrace();
    caller.abort();
    const end = await graceStarted(1);
    grace.release();
    end();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(grace.signal.aborted).toBe(false);
  });
});
