import { Agent, type Dispatcher } from 'undici';

/** One request the proxy sent upstream: its path (with the query) and headers, as sent. */
export interface UpstreamCall {
  path: string;
  headers: Record<string, string>;
}

/**
 * A dispatcher for the proxy (`startProxyStack({ dispatcher })`) that records every request the
 * proxy sends upstream in `calls`, in order, and sends it on.
 */
export function recordUpstreamCalls(): { dispatcher: Dispatcher; calls: UpstreamCall[] } {
  const calls: UpstreamCall[] = [];
  const dispatcher = new Agent().compose((dispatch) => (options, handler) => {
    calls.push({
      path: String(options.path),
      headers: { ...(options.headers as Record<string, string>) },
    });
    return dispatch(options, handler);
  });
  return { dispatcher, calls };
}
