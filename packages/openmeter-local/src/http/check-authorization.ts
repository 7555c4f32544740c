import { createHash, timingSafeEqual } from 'node:crypto';

function hash(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Creates a check of the `Authorization: Bearer <key>` header against `apiKey`, comparing
 * SHA-256 digests in constant time so neither the key's content nor its length leaks through
 * timing.
 */
export function createAuthorizationCheck(
  apiKey: string,
): (header: string | null | undefined) => boolean {
  const expected = hash(apiKey);
  return (header) => {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    return timingSafeEqual(hash(match?.[1]?.trim() ?? ''), expected) && match !== null;
  };
}
