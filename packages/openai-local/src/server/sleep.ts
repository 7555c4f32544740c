/**
 * Waits `milliseconds` (forever when Infinity) or until the signal aborts, whichever comes first;
 * resolves `false` when aborted so callers stop quietly.
 */
export function sleep({
  milliseconds,
  signal,
}: {
  milliseconds: number;
  signal: AbortSignal;
}): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      resolve(false);
    };
    const timer = Number.isFinite(milliseconds)
      ? setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        }, milliseconds)
      : undefined;
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
