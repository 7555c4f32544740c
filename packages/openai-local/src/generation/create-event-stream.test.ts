import { request } from 'node:http';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startOpenAILocal } from '../server/start-openai-local.js';

/**
 * POSTs a streaming chat request with node:http and counts the content tokens each read of the
 * socket brought (an event counts in the read that completes it); `onRead` sees the counts so far
 * after each read.
 */
function countTokensPerRead({
  url,
  body,
  onRead,
}: {
  url: string;
  body: unknown;
  onRead: (counts: number[]) => void;
}): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const counts: number[] = [];
    let pending = '';
    const outgoing = request(`${url}/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
    });
    outgoing.on('socket', (socket) => {
      socket.on('data', (bytes: Buffer) => {
        pending += bytes.toString('utf8');
        const boundary = pending.lastIndexOf('\n\n');
        const complete = boundary === -1 ? '' : pending.slice(0, boundary);
        pending = boundary === -1 ? pending : pending.slice(boundary);
        counts.push(complete.match(/"delta":\{"content":"[^"]/g)?.length ?? 0);
        onRead(counts);
      });
    });
    outgoing.on('error', reject);
    outgoing.on('response', (incoming) => {
      incoming.resume();
      incoming.on('end', () => resolve(counts));
    });
    outgoing.end(JSON.stringify(body));
  });
}

describe('createEventStream', () => {
  it('lets every client that aborts mid-stream leave its loop when the rest of the stream comes in one burst', async () => {
    // A stall, then the rest of each answer at full speed: the clients have read the first two
    // events and meet the sixth inside the burst. Had the response ended in the same read as
    // the burst, Node 20 and 22's fetch would never settle the SDK's next read after the abort,
    // and these loops would never return (the test would time out).
    const server = await startOpenAILocal({
      tokensPerSecond: 0,
      faults: { stallAfterChunks: 2, stallMs: 50 },
    });
    try {
      for (let round = 0; round < 3; round += 1) {
        const streams = await Promise.all(
          Array.from({ length: 8 }, async () => {
            const client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
            const stream = await client.chat.completions.create({
              model: 'gpt-4o-mini',
              messages: [{ role: 'user', content: 'Write a long story about metering.' }],
              stream: true,
            });
            let chunks = 0;
            for await (const _chunk of stream) {
              chunks += 1;
              if (chunks === 6) stream.controller.abort();
            }
            return { chunks, aborted: stream.controller.signal.aborted };
          }),
        );
        for (const { chunks, aborted } of streams) {
          expect(chunks).toBeGreaterThanOrEqual(6);
          expect(aborted).toBe(true);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('resumes its pace after a stall instead of sending the overdue tokens at once', async () => {
    // 100 tokens a second; once the first token is in, this process (server and client) stops
    // for 300 ms, as a busy server does, and some 30 tokens fall due. The client reads between
    // two turns of the event loop, so each of its reads holds what one turn wrote: the token
    // due and at most one more, never the backlog.
    const server = await startOpenAILocal({ tokensPerSecond: 100 });
    let stalled = false;
    try {
      const counts = await countTokensPerRead({
        url: server.url,
        body: {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Write a poem.' }],
          stream: true,
        },
        onRead: (countsSoFar) => {
          if (stalled || !countsSoFar.some((count) => count > 0)) return;
          stalled = true;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
        },
      });
      // The answer outlasts the stall.
      expect(counts.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(32);
      expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });
});
