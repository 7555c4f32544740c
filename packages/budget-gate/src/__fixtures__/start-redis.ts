import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A Redis for tests: `REDIS_URL` when set (CI starts one), else a redis-server of our own. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/** Whether a Redis can be had: `REDIS_URL` is set or Debian's `redis-server` is installed. */
export const redisAvailable =
  Boolean(process.env.REDIS_URL) || spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts (or reuses) a Redis on 127.0.0.1 and waits until it answers PING. */
export async function startRedis(): Promise<TestRedis> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {
    // Refused until the server listens; the loop below retries.
  });
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (error) {
      if (attempt > 200 || child.exitCode !== null) {
        child.kill();
        throw new Error(`redis-server did not start on ${url}`, { cause: error });
      }
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  probe.disconnect();
  return {
    url,
    stop: async () => {
      child.kill();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
