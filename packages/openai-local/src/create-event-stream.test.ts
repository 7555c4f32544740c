import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startOpenAILocal } from './start-openai-local.js';

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
});
