import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** The request header that names a call for {@link watchUndiciCompletions}. */
export const completionTagHeader = 'x-completion-tag';

/**
 * Watches undici's `undici:request:trailers` diagnostics channel (published by Node's built-in
 * fetch and by the `undici` package alike) for requests tagged with {@link completionTagHeader}:
 * `completed({ origin, tag })` resolves once undici has parsed the response of that request to
 * `origin` to its end (a proxy in the same process forwards the tag upstream), so a test can abort
 * a stream at exactly the moment Node 20's fetch mishandles (the whole response has arrived, the
 * reader has not read it all), instead of hoping machine load produces it.
 * @see https://nodejs.org/api/diagnostics_channel.html#undici
 */
export function watchUndiciCompletions(): {
  completed(input: { origin: string; tag: string }): Promise<void>;
  close(): void;
} {
  const done = new Set<string>();
  const waiting = new Map<string, () => void>();
  const onTrailers = (message: unknown) => {
    const { request } = message as { request: { origin: string; headers: string | string[] } };
    // undici 6 and 7 keep a request's headers as [name, value, …]; older ones as one string.
    const headers = Array.isArray(request.headers) ? request.headers : [request.headers];
    const index = headers.findIndex((name) => name.toLowerCase() === completionTagHeader);
    const tag =
      index >= 0
        ? headers[index + 1]
        : /x-completion-tag: ([^\r\n]+)/i.exec(headers.join('\n'))?.[1];
    if (tag === undefined) return;
    const key = `${new URL(request.origin).origin} ${tag}`;
    done.add(key);
    waiting.get(key)?.();
  };
  subscribe('undici:request:trailers', onTrailers);
  return {
    completed: ({ origin, tag }) => {
      const key = `${new URL(origin).origin} ${tag}`;
      return done.has(key)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting.set(key, resolve);
          });
    },
    close: () => unsubscribe('undici:request:trailers', onTrailers),
  };
}
