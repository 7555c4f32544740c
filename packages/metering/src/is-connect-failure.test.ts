import { once } from 'node:events';
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { isConnectFailure } from './is-connect-failure.js';

// A port on 127.0.0.1 that refuses connections: one the system gave out and took back.
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('isConnectFailure', () => {
  it('finds the refused connection in what undici, fetch and the openai SDK throw', async () => {
    const origin = `http://127.0.0.1:${await closedPort()}`;
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${origin}/v1`, maxRetries: 0 });
    const errors = [
      await rejection(request(origin)),
      await rejection(fetch(origin)),
      await rejection(client.models.list()),
    ];
    expect(errors.map((error) => error?.constructor.name)).toEqual([
      'Error',
      'TypeError',
      'APIConnectionError',
    ]);
    for (const error of errors) expect(isConnectFailure(error)).toBe(true);
  });

  it('looks four levels down the cause chain and no further', () => {
    const nested = (depth: number): unknown => {
      let error: unknown = Object.assign(new Error('connect ECONNREFUSED'), {
        code: 'ECONNREFUSED',
      });
      for (let level = 1; level < depth; level += 1) error = new Error('wrapped', { cause: error });
      return error;
    };
    expect(isConnectFailure(nested(4))).toBe(true);
    expect(isConnectFailure(nested(5))).toBe(false);
  });

  it('is false for errors after the request left, and for a cause chain that loops', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const looped = new Error('loop');
    looped.cause = looped;
    for (const error of [reset, new Error('500'), 'ECONNREFUSED', undefined, null, looped]) {
      expect(isConnectFailure(error)).toBe(false);
    }
  });
});
