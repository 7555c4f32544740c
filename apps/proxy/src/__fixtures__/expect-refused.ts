import { expect } from 'vitest';
import type { ProxyStack } from './start-proxy-stack.js';

/**
 * Runs `call` through the stack's proxy, expects it to fail with `status` (and, when given, as an
 * `errorClass`, the SDK's error), and returns the error with what upstream answered meanwhile
 * (empty when the proxy refused the call before upstream).
 */
export async function expectRefused<Refusal extends Error = Error>({
  stack,
  call,
  status,
  errorClass,
}: {
  stack: ProxyStack;
  call: () => Promise<unknown>;
  status: number;
  errorClass?: (abstract new (...args: never[]) => Refusal) | undefined;
}): Promise<{ error: Refusal; upstream: string[] }> {
  const before = stack.upstreamRequests.length;
  const error = await call().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (errorClass) expect(error).toBeInstanceOf(errorClass);
  expect((error as { status?: unknown } | undefined)?.status).toBe(status);
  return { error: error as Refusal, upstream: stack.upstreamRequests.slice(before) };
}
