import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { type Dispatcher, request } from 'undici';
import { createRequestLog } from '../access-log/create-request-log.js';
import type { ProviderAdapter, ProxyError } from '../providers/provider-adapter.js';
import { createDownstreamHeaders, createUpstreamHeaders } from './forward-headers.js';
import type { ProxyContext, ProxyEnv } from './proxy-context.js';
import { refuseUnmappedKey } from './refuse-unmapped-key.js';
import { relayBody, sendBody } from './relay-body.js';

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
  const tenants = context.tenantsOf(adapter);
  const check = await tenants.checkPassThrough({
    method,
    path: url.pathname,
    subject: keySubject,
  });
  const refuseWith = (refusal: Response) => {
    count(route, refusal.status);
    log.end({ status: refusal.status });
    return refusal;
  };
  if (!check.allowed) return refuseWith(check.refusal);
  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const read = await context.readBody(c);
    if (!read.success) return refuse(read.error);
    body = read.body;
  }
  // A JSON body (adding a file to a vector store, a batch's requests) may name stored objects
  // too: with the server's key, only the caller's own. Other bodies (a file upload) name none.
  const json = body && keySubject !== undefined ? parseJsonObject(body) : undefined;
  if (json && keySubject !== undefined) {
    const foreign = await tenants.checkReferences({
      endpoint: 'passthrough',
      body: json,
      subject: keySubject,
    });
    if (foreign) return refuseWith(foreign);
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
  if (check.created && status >= 200 && status <= 299) {
    // The created object's owner is recorded before its caller sees the id: the answer (a
    // small JSON object) is read whole first.
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await upstream.body.arrayBuffer());
    } catch (error) {
      return refuse(context.unreachable(error, upstreamOf));
    }
    const answer = parseJsonObject(bytes);
    if (answer) check.created.observe(answer);
    sendBody({ outgoing: c.env.outgoing, status, headers, body: bytes });
    end();
    return RESPONSE_ALREADY_SENT;
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

/** A body's JSON object, or undefined when it is not one (multipart, binary, an array). */
function parseJsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  const first = bytes.subarray(0, 64).toString('utf8').trimStart();
  if (!first.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
