import { once } from 'node:events';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type RelayEnd, relayStream } from './relay-stream.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** One chat completion chunk as an SSE event. */
function chunkEvent(delta: Record<string, unknown>): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-relay',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
  })}\n\n`;
}

/** A server on 127.0.0.1 whose one handler is `handle`; resolves with its URL. */
async function serve(handle: (outgoing: ServerResponse) => void): Promise<string> {
  const server = createServer((_incoming, outgoing) => handle(outgoing));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function get(url: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    request(url, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (data) => {
        text += data;
      });
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text }));
    })
      .on('error', reject)
      .end();
  });
}

describe('relayStream', () => {
  it('relays whole events as they come, keeps the ones refused, and ends once as completed', async () => {
    const ends: RelayEnd[] = [];
    const seen: string[] = [];
    const url = await serve((outgoing) => {
      const upstream = new PassThrough();
      relayStream({
        upstream,
        outgoing,
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        onEvent: (event) => {
          seen.push(String(event.data));
          return event.data !== 'hidden';
        },
        onEnd: (reason) => ends.push(reason),
      });
      // An event split across chunks, one refused, one left unterminated at the end.
      upstream.write('data: one\n\nda');
      upstream.write('ta: hidden\n\ndata: two\n');
      upstream.end('\ndata: last');
    });
    const answer = await get(url);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('data: one\n\ndata: two\n\ndata: last');
    expect(seen).toEqual(['one', 'hidden', 'two', 'last']);
    expect(ends).toEqual(['completed']);
  });

  it("hands each read's events to afterEvents once they are written, before onEnd", async () => {
    const steps: string[] = [];
    const url = await serve((outgoing) => {
      const upstream = new PassThrough();
      // What the socket was given so far: afterEvents must find the read's events in it.
      let written = '';
      const write = outgoing.write.bind(outgoing);
      outgoing.write = ((bytes: Uint8Array) => {
        written += Buffer.from(bytes).toString('utf8');
        return write(bytes);
      }) as typeof outgoing.write;
      relayStream({
        upstream,
        outgoing,
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        onEvent: (event) => {
          steps.push(`event ${event.data}`);
          return true;
        },
        afterEvents: () => steps.push(`after, written: ${JSON.stringify(written)}`),
        onFirstWrite: () => steps.push('first write'),
        onEnd: () => steps.push('end'),
      });
      upstream.write('data: one\n\ndata: two\n\n');
      setImmediate(() => upstream.end('data: three\n\n'));
    });
    expect((await get(url)).text).toBe('data: one\n\ndata: two\n\ndata: three\n\n');
    expect(steps).toEqual([
      'event one',
      'first write',
      'event two',
      'after, written: "data: one\\n\\ndata: two\\n\\n"',
      'event three',
      'after, written: "data: one\\n\\ndata: two\\n\\ndata: three\\n\\n"',
      // The flush at the end finds no event left.
      'after, written: "data: one\\n\\ndata: two\\n\\ndata: three\\n\\n"',
      'end',
    ]);
  });

  it('reads upstream on, unwritten, when the caller leaves mid-stream, and ends once as completed', async () => {
    const upstream = new PassThrough();
    const seen: string[] = [];
    let resolveEnded: (reasons: RelayEnd[]) => void = () => undefined;
    const ended = new Promise<RelayEnd[]>((resolve) => {
      resolveEnded = resolve;
    });
    const url = await serve((outgoing) => {
      const reasons: RelayEnd[] = [];
      relayStream({
        upstream,
        outgoing,
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        onEvent: (event) => {
          seen.push(String(event.data));
          return true;
        },
        onEnd: (reason) => {
          reasons.push(reason);
          resolveEnded(reasons);
        },
      });
      upstream.write('data: one\n\n');
      // Upstream sends the rest once the proxy saw the caller leave (after the relay did).
      outgoing.once('close', () => {
        upstream.write('data: two\n\n');
        upstream.end('data: usage\n\n');
      });
    });
    // The caller reads the first event, then leaves.
    const caller = request(url, (incoming) => incoming.once('data', () => caller.destroy()));
    caller.on('error', () => undefined).end();
    expect(await ended).toEqual(['completed']);
    expect(seen).toEqual(['one', 'two', 'usage']);
  });

  it('reads upstream to its end when the caller left before the stream began', async () => {
    let resolveEnded: (value: { reasons: RelayEnd[]; seen: string[] }) => void = () => undefined;
    const ended = new Promise<{ reasons: RelayEnd[]; seen: string[] }>((resolve) => {
      resolveEnded = resolve;
    });
    const url = await serve((outgoing) => {
      outgoing.destroy();
      const upstream = new PassThrough();
      const reasons: RelayEnd[] = [];
      const seen: string[] = [];
      relayStream({
        upstream,
        outgoing,
        status: 200,
        headers: {},
        onEvent: (event) => {
          seen.push(String(event.data));
          return true;
        },
        onEnd: (reason) => {
          reasons.push(reason);
          resolveEnded({ reasons, seen });
        },
      });
      upstream.end('data: all\n\ndata: usage\n\n');
    });
    await expect(get(url)).rejects.toThrow();
    expect(await ended).toEqual({ reasons: ['completed'], seen: ['all', 'usage'] });
  });

  it('ends once as an error when upstream is destroyed after the caller left (the grace ended)', async () => {
    let resolveEnded: (reasons: RelayEnd[]) => void = () => undefined;
    const ended = new Promise<RelayEnd[]>((resolve) => {
      resolveEnded = resolve;
    });
    const url = await serve((outgoing) => {
      outgoing.destroy();
      const upstream = new PassThrough();
      const reasons: RelayEnd[] = [];
      relayStream({
        upstream,
        outgoing,
        status: 200,
        headers: {},
        onEvent: () => true,
        onEnd: (reason) => {
          reasons.push(reason);
          resolveEnded(reasons);
        },
      });
      upstream.write('data: partial\n\n');
      setImmediate(() => upstream.destroy(new Error('aborted after the grace')));
    });
    await expect(get(url)).rejects.toThrow();
    expect(await ended).toEqual(['error']);
  });

  it('lets SDK clients that abort inside the last burst of a stream leave their loops', async () => {
    // Upstream sends two events, then, once the client has read them, the rest and its end at
    // once, as a stream whose tail arrives in one read. Each client aborts at its sixth chunk,
    // inside that burst. Had the relay ended the response in the same read as the burst, Node
    // 20 and 22's fetch would never settle the SDK's next read after the abort, and these loops
    // would never return (the test would time out).
    const bursts = new Map<string, () => void>();
    const url = await serve((outgoing) => {
      const upstream = new PassThrough();
      relayStream({
        upstream,
        outgoing,
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        onEvent: () => true,
        onEnd: () => undefined,
      });
      upstream.write(chunkEvent({ role: 'assistant', content: '' }));
      upstream.write(chunkEvent({ content: 'token 0' }));
      const rest = Array.from({ length: 20 }, (_, index) =>
        chunkEvent({ content: ` token ${index + 1}` }),
      );
      bursts.set(String(outgoing.req.headers['x-client']), () =>
        upstream.end(`${rest.join('')}data: [DONE]\n\n`),
      );
    });
    const loops = Array.from({ length: 8 }, async (_, index) => {
      const client = new OpenAI({ apiKey: 'test', baseURL: url, maxRetries: 0 });
      const stream = await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true },
        { headers: { 'x-client': String(index) } },
      );
      let chunks = 0;
      for await (const _chunk of stream) {
        chunks += 1;
        if (chunks === 2) bursts.get(String(index))?.();
        if (chunks === 6) stream.controller.abort();
      }
      return { chunks, aborted: stream.controller.signal.aborted };
    });
    for (const { chunks, aborted } of await Promise.all(loops)) {
      expect(chunks).toBeGreaterThanOrEqual(6);
      expect(aborted).toBe(true);
    }
  });
});
