import { Redis } from 'ioredis';
import { type ObjectOwners, ownerKey } from './object-owners.js';

/**
 * Owners in Redis, shared by every proxy process of a deployment (`REDIS_URL`, as for budgets).
 * A record is sent before the caller sees the object's id; commands on one connection run in
 * order, so this process's next lookup finds it.
 */
export function createRedisObjectOwners({
  url,
  keyPrefix = 'llm-meter:owner',
  onError,
}: {
  /** e.g. `redis://127.0.0.1:6379/0`. */
  url: string;
  /** Prefix of every key. Default `llm-meter:owner`. */
  keyPrefix?: string | undefined;
  onError?: ((error: unknown) => void) | undefined;
}): ObjectOwners {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  // ioredis reports connection trouble as 'error' events; the failing commands say it too.
  redis.on('error', () => undefined);
  return {
    record({ collection, id, subject }) {
      redis.set(`${keyPrefix}:${ownerKey({ collection, id })}`, subject).catch((error) => {
        onError?.(error);
      });
    },
    async ownerOf(input) {
      return (await redis.get(`${keyPrefix}:${ownerKey(input)}`)) ?? undefined;
    },
    async close() {
      await redis.quit();
    },
  };
}
