import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { ProviderAuth } from '../providers/provider-adapter.js';

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

/**
 * The caller's request headers as sent upstream: hop-by-hop headers, the subject header and
 * (with the proxy's own key) the headers carrying the caller's key or choosing what a key
 * reaches replaced by the proxy's key; `accept-encoding: identity` so the
 * proxy reads the usage in the body as it arrives.
 */
export function createUpstreamHeaders({
  incoming,
  subjectHeader,
  serverKey,
}: {
  /** Node's parsed request headers: names in lower case. */
  incoming: IncomingHttpHeaders;
  subjectHeader: string;
  /** The proxy's own upstream key and how the provider takes it; unset: the caller's passes. */
  serverKey: { apiKey: string; auth: ProviderAuth } | undefined;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  const scoped = serverKey?.auth.scopedHeaders;
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || hopByHop.has(name)) continue;
    if (name === subjectHeader || name === 'accept-encoding') continue;
    // With the server's key, the caller may not pick the key, organization or project it spends.
    if (scoped?.includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (serverKey) Object.assign(headers, serverKey.auth.serverKeyHeaders(serverKey.apiKey));
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
