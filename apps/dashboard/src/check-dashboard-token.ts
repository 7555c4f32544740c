import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` is the dashboard's token, compared in constant time: both are hashed first
 * (SHA-256), so neither the content nor the length of the token leaks through the timing.
 */
export function checkDashboardToken({
  token,
  given,
}: {
  token: string;
  given: string | undefined;
}): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(token), digest(given));
}
