import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

// Hop-by-hop headers (RFC 9110 §7.6.1) and those the proxy recomputes are never forwarded.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

// Headers that choose what the upstream key reaches: the proxy's to set, never a caller's.
const serverKeyScoped = new Set(['authorization', 'openai-organization', 'openai-project']);

/**
 * The caller's request headers as sent upstream: hop-by-hop headers, the subject header and
 * (with a server key) the caller's `authorization` removed; `accept-encoding: identity` so the
 * proxy reads the usage in the body as it arrives.
 */
export function createUpstreamHeaders({
  incoming,
  subjectHeader,
  serverApiKey,
}: {
  /** Node's parsed request headers: names in lower case. */
  incoming: IncomingHttpHeaders;
  subjectHeader: string;
  serverApiKey: string | undefined;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || hopByHop.has(name)) continue;
    if (name === subjectHeader || name === 'accept-encoding') continue;
    // With the server's key, the caller may not pick the organization or project it spends.
    if (serverApiKey !== undefined && serverKeyScoped.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (serverApiKey !== undefined) headers.authorization = `Bearer ${serverApiKey}`;
  headers['accept-encoding'] = 'identity';
  return headers;
}

/**
 * Upstream's response headers as answered to the caller: all of them (`x-request-id`, the
 * rate-limit headers, `openai-processing-ms`, `content-encoding` with the body's bytes left as
 * they came, ...) but hop-by-hop headers.
 */
export function createDownstreamHeaders({
  upstream,
}: {
  upstream: IncomingHttpHeaders;
}): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || hopByHop.has(name)) continue;
    headers[name] = value;
  }
  return headers;
}
