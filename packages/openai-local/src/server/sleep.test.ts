import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.js';
import { startOpenAILocal } from './start-openai-local.js';

describe('sleep', () => {
  it('with `until`, waits for the promise whatever the time says', async () => {
    let release: () => void = () => undefined;
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    let woke = false;
    const slept = sleep({ milliseconds: 0, signal: new AbortController().signal, until }).then(
      (value) => {
        woke = true;
        return value;
      },
    );
    // A 0 ms sleep would have woken by now.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woke).toBe(false);
    release();
    expect(await slept).toBe(true);
  });

  it('resolves false when the signal aborts before `until` settles', async () => {
    const controller = new AbortController();
    const slept = sleep({
      milliseconds: 0,
      signal: controller.signal,
      until: new Promise(() => {}),
    });
    controller.abort();
    expect(await slept).toBe(false);
  });
});

describe('a fault released by the test', () => {
  it('holds a stream after its stall, and a blocking answer, until released', async () => {
    const releases: Array<() => void> = [];
    const held = () =>
      new Promise<void>((resolve) => {
        releases.push(resolve);
      });
    const server = await startOpenAILocal({
      faults: ({ body }) =>
        body.stream === true
          ? { stallAfterChunks: 3, until: held() }
          : { delayMs: 0, until: held() },
    });
    try {
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
      const messages = [{ role: 'user' as const, content: 'Hold on' }];
      const blocking = client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      let answered = false;
      void blocking.then(() => {
        answered = true;
      });
      await expect.poll(() => releases.length).toBe(1);
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
      });
      const chunks: unknown[] = [];
      const read = (async () => {
        for await (const chunk of stream) chunks.push(chunk);
      })();
      await expect.poll(() => chunks.length).toBe(3);
      expect(answered).toBe(false);
      for (const release of releases) release();
      await read;
      expect(chunks.length).toBeGreaterThan(3);
      expect((await blocking).choices[0]?.finish_reason).toBe('stop');
    } finally {
      await server.close();
    }
  });
});
