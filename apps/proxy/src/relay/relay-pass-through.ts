import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { type Dispatcher, request } from 'undici';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { createDownstreamHeaders, createUpstreamHeaders } from './forward-headers.js';
import type { ProxyContext, ProxyEnv } from './proxy-context.js';
import { refuseUnmappedKey } from './refuse-unmapped-key.js';
import { relayBody } from './relay-body.js';

/**
 * Forwards an unmetered request below a provider's base path, once the tenant guard allows it,
 * and relays upstream's answer unchanged and unbuffered.
 */
export async function relayPassThrough({
  context,
  adapter,
  c,
}: {
  context: ProxyContext;
  adapter: ProviderAdapter;
  c: Context<ProxyEnv>;
}): Promise<Response> {
  const { options, count } = context;
  const route = 'passthrough';
  const url = new URL(c.req.url);
  const apiKey = adapter.auth.apiKeyOf({
    headers: c.env.incoming.headers,
    query: url.searchParams,
  });
  const refused = refuseUnmappedKey({ options, apiKey });
  if (refused) {
    count(route, refused.status);
    return adapter.errorResponse(refused);
  }
  const method = c.req.method;
  const outOfScope = await context.tenants.checkPassThrough({
    method,
    path: url.pathname,
    subject: apiKey === undefined ? undefined : options.subjects.keySubjects.get(apiKey),
  });
  if (outOfScope) {
    count(route, outOfScope.status);
    return outOfScope;
  }
  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const read = await context.readBody(c);
    if (!read.success) {
      count(route, read.error.status);
      return adapter.errorResponse(read.error);
    }
    body = read.body;
  }
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await request(context.upstreamUrl({ c, basePath: adapter.basePath }), {
      dispatcher: context.dispatcher,
      method: method as Dispatcher.HttpMethod,
      headers: createUpstreamHeaders({
        incoming: c.env.incoming.headers,
        subjectHeader: options.subjects.header,
        serverKey:
          options.upstreamApiKey === undefined
            ? undefined
            : { apiKey: options.upstreamApiKey, auth: adapter.auth },
      }),
      body,
      signal: c.req.raw.signal,
    });
  } catch (error) {
    count(route, 502);
    return adapter.errorResponse(context.unreachable(error));
  }
  count(route, upstream.statusCode);
  const headers = createDownstreamHeaders({ upstream: upstream.headers });
  if (method === 'HEAD') {
    // Hono answers HEAD itself from the returned response (headers, no body).
    upstream.body.resume();
    const answer = new Headers();
    for (const [name, value] of Object.entries(headers))
      for (const one of Array.isArray(value) ? value : [value])
        if (one !== undefined) answer.append(name, String(one));
    return new Response(null, { status: upstream.statusCode, headers: answer });
  }
  relayBody({
    upstream: upstream.body,
    outgoing: c.env.outgoing,
    status: upstream.statusCode,
    headers,
  });
  return RESPONSE_ALREADY_SENT;
}
