import { createHash, timingSafeEqual } from 'node:crypto';

// Real keys (OpenAI's, Anthropic's, Google's) are well over 20 characters, so showing 7 of them still hides the key; a shorter
// (test) key would be mostly or wholly given away, so it is masked entirely.
const minimumKeyLengthToHint = 20;

/**
 * Masks an API key for an error message as OpenAI and Anthropic do (`sk-***wxyz`), but hides keys shorter
 * than 20 characters entirely (`***`), since their ends would give most of them away.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function maskApiKey(key: string): string {
  return key.length >= minimumKeyLengthToHint ? `${key.slice(0, 3)}***${key.slice(-4)}` : '***';
}

/**
 * Compares two keys in time that does not depend on where they differ (nor on their lengths:
 * both sides are hashed to 32 bytes first), so a client cannot guess a key byte by byte.
 * @see https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b
 */
export function isSameKey({ given, expected }: { given: string; expected: string }): boolean {
  const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
