/**
 * Resolves once `condition()` holds, checking it every `intervalMs` (default 10). There is no
 * deadline: a test waits for what it needs however slow the machine is, and Vitest's test
 * timeout is the only guard against a hang.
 */
export async function waitUntil({
  condition,
  intervalMs = 10,
}: {
  condition: () => boolean;
  intervalMs?: number;
}): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
