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
]);

/**
 * The caller's request headers as sent upstream: hop-by-hop headers, the subject header and
 * (with a server key) the caller's `authorization` removed; `accept-encoding: identity` so the
 * stream can be read as it arrives.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1
 */
export function createUpstreamHeaders({
  incoming,
  subjectHeader,
  serverApiKey,
}: {
  incoming: Headers;
  subjectHeader: string;
  serverApiKey: string | undefined;
}): Headers {
  const headers = new Headers();
  for (const [name, value] of incoming) {
    if (hopByHop.has(name) || name === subjectHeader || name === 'accept-encoding') continue;
    if (serverApiKey !== undefined && name === 'authorization') continue;
    headers.set(name, value);
  }
  if (serverApiKey !== undefined) headers.set('authorization', `Bearer ${serverApiKey}`);
  headers.set('accept-encoding', 'identity');
  return headers;
}

/**
 * Upstream's response headers as answered to the caller: everything (`x-request-id`, the
 * rate-limit headers, `openai-processing-ms`, ...) but hop-by-hop headers and, where fetch has
 * already decoded the body, `content-encoding`.
 */
export function createDownstreamHeaders({ upstream }: { upstream: Headers }): Headers {
  const headers = new Headers();
  for (const [name, value] of upstream) {
    if (hopByHop.has(name) || name === 'content-encoding') continue;
    headers.append(name, value);
  }
  return headers;
}
