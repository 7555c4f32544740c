import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import {
  BudgetExceededError,
  BudgetUnavailableError,
  type Reservation,
} from '@llm-meter/budget-gate';
import {
  type MeterableResponse,
  type StreamEndReason,
  splitTokenTypes,
  toUsageEvent,
  type UsageEvent,
} from '@llm-meter/meter-core';
import { type Context, Hono } from 'hono';
import { type Dispatcher, getGlobalDispatcher, request } from 'undici';
import { createAbortGrace, defaultAbortGraceMs } from './create-abort-grace.js';
import { createDownstreamHeaders, createUpstreamHeaders } from './forward-headers.js';
import { openAIErrorResponse } from './openai-error-response.js';
import type {
  CallMeterSession,
  MeteredEndpoint,
  ProxyEventEnvelope,
  ProxyOptions,
  StreamMeterSession,
} from './proxy-types.js';
import { readRequestBody } from './read-request-body.js';
import { relayBody, sendBody } from './relay-body.js';
import { relaySseStream } from './relay-sse-stream.js';
import { resolveSubject } from './resolve-subject.js';
import { createTenantGuard, type OwnerRecorder } from './tenancy/create-tenant-guard.js';

const meteredRoutes: Record<string, MeteredEndpoint> = {
  '/v1/chat/completions': 'chat',
  '/v1/responses': 'responses',
  '/v1/embeddings': 'embeddings',
};

type ProxyEnv = { Bindings: HttpBindings };

/**
 * Creates the metering proxy as a Hono app, to be served by `@hono/node-server`:
 * `/v1/chat/completions`, `/v1/responses` and `/v1/embeddings` are forwarded and metered
 * (exactly one usage event per response, streams included), every other `/v1/*` path is passed
 * through unmetered, `/healthz` and `/metrics` answer locally. Upstream answers pass through
 * unchanged, written straight to the caller's socket; metering never fails a call.
 */
export function createProxyApp(options: ProxyOptions): Hono<ProxyEnv> {
  const upstreamBase = options.upstreamBaseUrl.replace(/\/+$/, '');
  // undici's request API, not fetch: a fraction of fetch's cost per call, and a Node stream body
  // that is written to the caller's socket without web-stream conversions.
  const dispatcher = options.dispatcher ?? getGlobalDispatcher();
  const { metrics, usage, subjects } = options;
  const logger = options.logger ?? { warn: (message: string) => console.warn(message) };
  const generateId = options.generateId ?? (() => crypto.randomUUID());
  const now = options.now ?? (() => new Date());
  const abortGraceMs = options.abortGraceMs ?? defaultAbortGraceMs;
  const tenants = createTenantGuard({
    isolated: options.upstreamApiKey !== undefined,
    allowedRoutes: options.allowedRoutes,
    meteredPaths: Object.keys(meteredRoutes),
    owners: options.objectOwners,
    onOwnerLookupError: (error) =>
      logger.warn(`proxy: could not look up an object's owner: ${(error as Error).message}`),
  });
  // Not strict: `/v1/chat/completions/` is the metered route too, never an unmetered pass-through.
  const app = new Hono<ProxyEnv>({ strict: false });

  app.onError((error) => {
    logger.warn(`proxy: internal error: ${(error as Error).message}`);
    return openAIErrorResponse({
      status: 500,
      message: 'The metering proxy failed to handle the request.',
      type: 'server_error',
      code: null,
    });
  });
  app.notFound((c) =>
    openAIErrorResponse({
      status: 404,
      message: `Unknown path ${c.req.path}: the proxy serves /v1/*, /healthz and /metrics.`,
      type: 'invalid_request_error',
      code: 'unknown_url',
    }),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/metrics', async () => {
    const body = await metrics.registry.metrics();
    return new Response(body, { headers: { 'content-type': metrics.registry.contentType } });
  });

  for (const [path, endpoint] of Object.entries(meteredRoutes)) {
    app.post(path, (c) => handleMetered(c, endpoint));
  }
  app.all('/v1/*', (c) => handlePassThrough(c));

  function upstreamUrl(c: Context<ProxyEnv>): string {
    const url = new URL(c.req.url);
    return `${upstreamBase}${url.pathname.slice('/v1'.length)}${url.search}`;
  }

  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  /** The request body, or the 413 that refuses it. */
  async function readBody(c: Context<ProxyEnv>, route: string): Promise<Buffer | Response> {
    const read = await readRequestBody({ incoming: c.env.incoming, maxBytes: maxBodyBytes });
    if (read.success) return read.body;
    count(route, 413);
    return openAIErrorResponse({
      status: 413,
      message: `The request body is larger than the proxy accepts (${maxBodyBytes} bytes).`,
      type: 'invalid_request_error',
      code: 'request_too_large',
    });
  }

  function count(route: string, status: number): void {
    metrics.requests.inc({ route, status: String(status) });
  }

  /**
   * With the server's own upstream key, only callers presenting a mapped key get through, on
   * every route: the server key must never serve an unknown caller.
   */
  function refuseUnmappedKey({
    route,
    apiKey,
  }: {
    route: string;
    apiKey: string | undefined;
  }): Response | undefined {
    if (options.upstreamApiKey === undefined) return undefined;
    if (apiKey !== undefined && subjects.keySubjects.has(apiKey)) return undefined;
    count(route, 401);
    return openAIErrorResponse({
      status: 401,
      message:
        'Incorrect API key provided: this proxy accepts only the API keys it maps to subjects.',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
  }

  async function handlePassThrough(c: Context<ProxyEnv>): Promise<Response> {
    const route = 'passthrough';
    const apiKey = bearerToken(c.req.header('authorization'));
    const refused = refuseUnmappedKey({ route, apiKey });
    if (refused) return refused;
    const method = c.req.method;
    const outOfScope = await tenants.checkPassThrough({
      method,
      path: new URL(c.req.url).pathname,
      subject: apiKey === undefined ? undefined : subjects.keySubjects.get(apiKey),
    });
    if (outOfScope) {
      count(route, outOfScope.status);
      return outOfScope;
    }
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(c, route);
    if (body instanceof Response) return body;
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await request(upstreamUrl(c), {
        dispatcher,
        method: method as Dispatcher.HttpMethod,
        headers: createUpstreamHeaders({
          incoming: c.env.incoming.headers,
          subjectHeader: subjects.header,
          serverApiKey: options.upstreamApiKey,
        }),
        body,
        signal: c.req.raw.signal,
      });
    } catch (error) {
      count(route, 502);
      return unreachable(error);
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

  function unreachable(error: unknown): Response {
    const reason =
      error instanceof Error
        ? ((error.cause as Error | undefined)?.message ?? error.message)
        : String(error);
    return openAIErrorResponse({
      status: 502,
      message: `The metering proxy could not reach the upstream API (${upstreamBase}): ${reason}`,
      type: 'upstream_error',
      code: 'upstream_unreachable',
    });
  }

  async function handleMetered(c: Context<ProxyEnv>, endpoint: MeteredEndpoint): Promise<Response> {
    const route = endpoint;
    const requestBytes = await readBody(c, route);
    if (requestBytes instanceof Response) return requestBytes;
    const raw = requestBytes.toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw);
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new Error('not an object');
    } catch {
      count(route, 400);
      return openAIErrorResponse({
        status: 400,
        message: 'We could not parse the JSON body of your request: it must be a JSON object.',
        type: 'invalid_request_error',
        code: null,
      });
    }
    const apiKey = bearerToken(c.req.header('authorization'));
    const refused = refuseUnmappedKey({ route, apiKey });
    if (refused) return refused;
    const subject = resolveSubject({
      policy: subjects,
      apiKey,
      headerValue: c.req.header(subjects.header),
      body,
    });
    if (!subject.success) {
      count(route, 400);
      return openAIErrorResponse({
        status: 400,
        message: subject.message,
        type: 'invalid_request_error',
        code: 'missing_subject',
      });
    }
    const foreign = await tenants.checkMetered({ endpoint, body, subject: subject.subject });
    if (foreign) {
      count(route, foreign.status);
      return foreign;
    }
    const owner = tenants.ownerRecorder({ endpoint, body, subject: subject.subject });

    let reservation: Reservation | undefined;
    if (options.budget) {
      try {
        reservation = await options.budget.gate.reserve({
          subject: subject.subject,
          feature: options.budget.feature,
          request: body,
        });
      } catch (error) {
        if (error instanceof BudgetExceededError) {
          count(route, 429);
          return openAIErrorResponse({
            status: 429,
            message: `You exceeded your current quota: ${error.message}`,
            type: 'insufficient_quota',
            code: 'insufficient_quota',
          });
        }
        if (error instanceof BudgetUnavailableError) {
          count(route, 403);
          return openAIErrorResponse({
            status: 403,
            message: error.message,
            type: 'insufficient_quota',
            code: 'budget_unavailable',
          });
        }
        if (error instanceof TypeError) {
          count(route, 400);
          return openAIErrorResponse({
            status: 400,
            message: error.message,
            type: 'invalid_request_error',
            code: null,
          });
        }
        throw error;
      }
    }
    const settle = (event: UsageEvent | undefined) => {
      if (!reservation || !options.budget) return;
      options.budget.gate.settle({ reservation, event }).catch((error) => {
        metrics.meteringFailures.inc({ stage: 'budget_settle' });
        logger.warn(
          `proxy: could not settle the budget reservation of ${subject.subject}: ${(error as Error).message}`,
        );
      });
    };

    const streaming = body.stream === true && endpoint !== 'embeddings';
    // Chat streams carry usage only when asked; ask for it, and hide the extra chunk from a
    // client that did not.
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    const clientAskedUsage = streamOptions?.include_usage === true;
    const addUsage = streaming && endpoint === 'chat' && !clientAskedUsage;
    // With the server's key, upstream gets exactly what was checked (a duplicate key in the raw
    // JSON could name another customer's previous_response_id).
    const upstreamBody = addUsage
      ? JSON.stringify({ ...body, stream_options: { ...streamOptions, include_usage: true } })
      : options.upstreamApiKey !== undefined && endpoint === 'responses'
        ? JSON.stringify(body)
        : raw;

    const envelope: ProxyEventEnvelope = {
      subject: subject.subject,
      source: options.events?.source,
      type: options.events?.type,
      provider: options.events?.provider,
      id: options.events?.ids === 'generated' ? generateId() : undefined,
    };
    if (c.req.raw.signal.aborted) {
      // Gone already (during the budget check): nothing is sent upstream, nothing is billed.
      settle(undefined);
      count(route, 499);
      return openAIErrorResponse({
        status: 499,
        message: 'The client closed the connection before the request was sent upstream.',
        type: 'invalid_request_error',
        code: 'client_closed_request',
      });
    }

    // Metered from before the request is sent: a process that dies while upstream thinks still
    // bills the prompt, under upstream's request id once its headers came.
    const fallbackId = envelope.id ?? generateId();
    let session: StreamMeterSession | undefined;
    let call: CallMeterSession | undefined;
    try {
      const journaled = { request: body, envelope: { ...envelope, fallbackId }, now };
      if (streaming)
        session = usage.openStream({ ...journaled, endpoint: endpoint as 'chat' | 'responses' });
      else call = usage.openCall({ ...journaled, endpoint });
    } catch (error) {
      metrics.meteringFailures.inc({ stage: 'journal' });
      logger.warn(
        `proxy: could not journal the ${streaming ? 'stream' : 'call'} of ${subject.subject}: ${(error as Error).message}`,
      );
    }

    // A caller that leaves once the request is sent does not stop upstream at once: what
    // upstream has sent, or sends within the grace, is still read and metered.
    const grace = createAbortGrace({
      callerSignal: c.req.raw.signal,
      graceMs: abortGraceMs,
      sleep: options.sleep,
    });
    const started = performance.now();
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await request(upstreamUrl(c), {
        dispatcher,
        method: 'POST',
        headers: createUpstreamHeaders({
          incoming: c.env.incoming.headers,
          subjectHeader: subjects.header,
          serverApiKey: options.upstreamApiKey,
        }),
        body: upstreamBody,
        signal: grace.signal,
      });
    } catch (error) {
      grace.release();
      // A request that never reached upstream was billed nothing: its journaled estimate goes.
      // Once sent, upstream may have billed it, so it stays an estimate.
      if (isConnectFailure(error)) {
        session = abandonSession(session);
        call = abandonSession(call);
      } else {
        const reason = grace.signal.aborted ? 'aborted' : 'error';
        finishSession(session, reason);
        finishSession(call, reason);
      }
      settle(undefined);
      count(route, 502);
      return unreachable(error);
    } finally {
      metrics.upstreamLatency.observe({ route }, (performance.now() - started) / 1000);
    }
    const status = upstream.statusCode;
    const requestId = headerValue(upstream.headers['x-request-id']);
    // Before the caller sees the headers: a proxy killed before the first chunk (or the answer's
    // body) bills the request under the id upstream logged for it, not a UUID of ours.
    if (requestId) {
      session?.setFallbackId({ fallbackId: requestId });
      call?.setFallbackId({ fallbackId: requestId });
    }
    const headers = createDownstreamHeaders({ upstream: upstream.headers });
    const outgoing = c.env.outgoing;

    if (status < 200 || status > 299) {
      count(route, status);
      // OpenAI bills no tokens for a refused request: nothing is metered, and the answer passes
      // through as it came.
      grace.release();
      session = abandonSession(session);
      call = abandonSession(call);
      settle(undefined);
      relayBody({ upstream: upstream.body, outgoing, status, headers });
      return RESPONSE_ALREADY_SENT;
    }

    if (!streaming) {
      // Upstream has answered and billed: a caller leaving now must not stop the body being
      // read and metered.
      grace.release();
      let bytes: Buffer;
      try {
        bytes = Buffer.from(await upstream.body.arrayBuffer());
      } catch (error) {
        // Upstream broke off mid-body: no usage can be read from it, but it may have billed.
        finishSession(call, 'error');
        settle(undefined);
        count(route, 502);
        return unreachable(error);
      }
      count(route, status);
      const event = meterBlocking({
        bytes,
        owner,
        call,
        request: body,
        envelope: { ...envelope, fallbackId: requestId ?? fallbackId },
      });
      settle(event);
      sendBody({ outgoing, status, headers, body: bytes });
      return RESPONSE_ALREADY_SENT;
    }

    count(route, status);
    relaySseStream({
      upstream: upstream.body,
      outgoing,
      status,
      headers,
      onEvent(sse) {
        if (sse.data === undefined || sse.data === '[DONE]') return true;
        let chunk: Record<string, unknown> | undefined;
        try {
          chunk = JSON.parse(sse.data);
        } catch {
          return true;
        }
        if (!chunk) return true;
        // Before the chunk reaches the caller: its id must find its owner at once.
        owner?.observe(chunk);
        pushChunk(session, chunk);
        // The usage chunk the proxy asked for is kept from a client that did not.
        return !(
          addUsage &&
          Array.isArray(chunk.choices) &&
          chunk.choices.length === 0 &&
          chunk.usage
        );
      },
      onEnd(reason) {
        grace.release();
        // Upstream aborted when the grace after the caller left ended: an estimate of what came.
        settle(
          finishSession(session, reason === 'error' && grace.signal.aborted ? 'aborted' : reason),
        );
      },
    });
    return RESPONSE_ALREADY_SENT;

    function pushChunk(target: StreamMeterSession | undefined, chunk: unknown) {
      if (!target) return;
      try {
        target.push(chunk);
      } catch (error) {
        metrics.meteringFailures.inc({ stage: 'stream_chunk' });
        logger.warn(`proxy: a stream chunk could not be metered: ${(error as Error).message}`);
      }
    }
  }

  function finishSession<Reason extends StreamEndReason>(
    session: { finish(reason: Reason): UsageEvent | undefined } | undefined,
    reason: Reason,
  ): UsageEvent | undefined {
    if (!session) return undefined;
    try {
      const event = session.finish(reason);
      if (event) countEvent(event);
      return event;
    } catch (error) {
      metrics.meteringFailures.inc({ stage: 'stream_finish' });
      logger.warn(`proxy: a stream could not be metered: ${(error as Error).message}`);
      return undefined;
    }
  }

  function abandonSession(session: { abandon(): void } | undefined): undefined {
    if (session) {
      try {
        session.abandon();
      } catch {
        // Nothing was billed; a failed abandon leaves at most a crash estimate of the prompt.
      }
    }
    return undefined;
  }

  function meterBlocking({
    bytes,
    owner,
    call,
    request,
    envelope,
  }: {
    bytes: Buffer;
    owner: OwnerRecorder | undefined;
    /** The call's journaled record, which the answer's event replaces. */
    call: CallMeterSession | undefined;
    request: Record<string, unknown>;
    envelope: ProxyEventEnvelope;
  }): UsageEvent | undefined {
    let event: UsageEvent;
    try {
      const response = JSON.parse(bytes.toString('utf8')) as MeterableResponse;
      if (owner && response && typeof response === 'object')
        owner.observe(response as unknown as Record<string, unknown>);
      event = toUsageEvent(response, { ...envelope, request: request as never, now });
    } catch (error) {
      metrics.meteringFailures.inc({ stage: 'convert' });
      logger.warn(`proxy: a response could not be metered: ${(error as Error).message}`);
      // Upstream answered, so it billed: what it answered cannot be read, the prompt can.
      return finishSession(call, 'error');
    }
    try {
      if (call) call.complete(event);
      else usage.enqueue(event);
      countEvent(event);
    } catch (error) {
      // The call's session counted its own journaling failure.
      if (!call) metrics.meteringFailures.inc({ stage: 'journal' });
      logger.warn(
        `proxy: usage event ${event.id} could not be journaled: ${(error as Error).message}`,
      );
    }
    return event;
  }

  function countEvent(event: UsageEvent): void {
    metrics.events.inc({
      usage_source: event.data.usage_source,
      reason: event.data.estimate_reason ?? '',
    });
    const types = splitTokenTypes({
      usage: event.data,
      cacheReadUnknown: event.data.cached_tokens_unknown === true,
    });
    for (const [type, tokens] of Object.entries(types)) metrics.tokens.inc({ type }, tokens);
    metrics.tokens.inc({ type: 'reasoning' }, event.data.reasoning_tokens);
  }

  return app;
}

// Failures to open the connection: the request was never sent.
const connectFailures = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function isConnectFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  const causeCode = ((error as { cause?: unknown } | undefined)?.cause as { code?: unknown })?.code;
  return connectFailures.has(String(code)) || connectFailures.has(String(causeCode));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}
