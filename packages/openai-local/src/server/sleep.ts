/**
 * Waits `milliseconds` (forever when Infinity), or until `until` settles when given (the clock is
 * then not consulted), or until the signal aborts, whichever comes first; resolves `false` when
 * aborted so callers stop quietly.
 */
export function sleep({
  milliseconds,
  signal,
  until,
}: {
  milliseconds: number;
  signal: AbortSignal;
  until?: Promise<unknown> | undefined;
}): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer =
      until === undefined && Number.isFinite(milliseconds)
        ? setTimeout(() => done(true), milliseconds)
        : undefined;
    until?.then(
      () => done(true),
      () => done(true),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
