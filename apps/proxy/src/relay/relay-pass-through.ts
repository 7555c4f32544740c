import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { type Dispatcher, request } from 'undici';
import { createRequestLog } from '../access-log/create-request-log.js';
import type { ProviderAdapter, ProxyError } from '../providers/provider-adapter.js';
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
  const method = c.req.method;
  const log = createRequestLog({
    accessLog: options.accessLog,
    now: context.now,
    provider: options.events?.provider ?? adapter.id,
    method,
    path: url.pathname,
    route,
    onError: (error) => context.logger.warn(`proxy: access log: ${(error as Error).message}`),
  });
  const refuse = (error: ProxyError) => {
    count(route, error.status);
    log.end({ status: error.status, errorCode: error.code });
    return adapter.errorResponse(error);
  };
  const upstreamOf = context.upstreamOf(adapter);
  if (!upstreamOf) return refuse(context.unconfigured(adapter));
  const apiKey = adapter.auth.apiKeyOf({
    headers: c.env.incoming.headers,
    query: url.searchParams,
  });
  const refused = refuseUnmappedKey({
    options,
    serverKey: upstreamOf.apiKey !== undefined,
    apiKey,
  });
  if (refused) return refuse(refused);
  const keySubject = apiKey === undefined ? undefined : options.subjects.keySubjects.get(apiKey);
  log.set({ subject: keySubject ?? (c.req.header(options.subjects.header)?.trim() || undefined) });
  const outOfScope = await context.tenants.checkPassThrough({
    method,
    path: url.pathname,
    subject: keySubject,
  });
  if (outOfScope) {
    count(route, outOfScope.status);
    log.end({ status: outOfScope.status });
    return outOfScope;
  }
  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const read = await context.readBody(c);
    if (!read.success) return refuse(read.error);
    body = read.body;
  }
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await request(context.upstreamUrl({ c, adapter, upstream: upstreamOf }), {
      dispatcher: context.dispatcher,
      method: method as Dispatcher.HttpMethod,
      headers: createUpstreamHeaders({
        incoming: c.env.incoming.headers,
        subjectHeader: options.subjects.header,
        serverKey:
          upstreamOf.apiKey === undefined
            ? undefined
            : { apiKey: upstreamOf.apiKey, auth: adapter.auth },
      }),
      body,
      signal: c.req.raw.signal,
    });
  } catch (error) {
    return refuse(context.unreachable(error, upstreamOf));
  }
  count(route, upstream.statusCode);
  const status = upstream.statusCode;
  const end = () => log.end({ status, callerLeft: c.req.raw.signal.aborted });
  const headers = createDownstreamHeaders({ upstream: upstream.headers });
  if (method === 'HEAD') {
    // Hono answers HEAD itself from the returned response (headers, no body).
    upstream.body.resume();
    const answer = new Headers();
    for (const [name, value] of Object.entries(headers))
      for (const one of Array.isArray(value) ? value : [value])
        if (one !== undefined) answer.append(name, String(one));
    end();
    return new Response(null, { status: upstream.statusCode, headers: answer });
  }
  relayBody({
    upstream: upstream.body,
    outgoing: c.env.outgoing,
    status,
    headers,
    onEnd: end,
  });
  return RESPONSE_ALREADY_SENT;
}
