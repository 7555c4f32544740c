import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { UsageEvent } from '@llm-meter/meter-core';
import type { UsageStreamHandle } from '@llm-meter/meter-outbox';
import { createAbortGrace, isConnectFailure } from '@llm-meter/metering';
import type { Context } from 'hono';
import { type Dispatcher, request } from 'undici';
import { createRequestLog } from '../access-log/create-request-log.js';
import type { MeteredRoute, ProviderAdapter, ProxyError } from '../providers/provider-adapter.js';
import type { CallMeterSession, ProxyEventEnvelope, StreamMeterSession } from '../proxy-types.js';
import { admitMeteredCall } from './admit-metered-call.js';
import { createEventHeaders } from './create-event-headers.js';
import { createRequestTimings } from './create-request-timings.js';
import type { SessionMetering } from './create-session-metering.js';
import { createDownstreamHeaders, createUpstreamHeaders } from './forward-headers.js';
import type { ProxyContext, ProxyEnv } from './proxy-context.js';
import { relayBody, sendBody } from './relay-body.js';
import { relayStream } from './relay-stream.js';

/**
 * Relays one metered request: reads and checks it (subject, tenant, budget), journals it as it
 * is sent, forwards it as the provider's adapter prepared it, and answers the caller with
 * upstream's answer, unbuffered for streams, while the adapter's meters turn it into exactly one
 * usage event. A caller that leaves does not stop upstream at once (the abort grace); upstream's
 * errors pass through unchanged and bill nothing; the proxy's own errors are in the provider's
 * error shape.
 */
export async function relayMeteredCall({
  context,
  metering,
  adapter,
  route,
  c,
}: {
  context: ProxyContext;
  metering: SessionMetering;
  adapter: ProviderAdapter;
  route: MeteredRoute;
  c: Context<ProxyEnv>;
}): Promise<Response> {
  const { options, count, logger, metrics, now, generateId } = context;
  const { subjects, usage } = options;
  const label = route.endpoint;
  const url = new URL(c.req.url);
  const timings = createRequestTimings({ observer: options.onTimings, endpoint: label });
  const log = createRequestLog({
    accessLog: options.accessLog,
    now,
    provider: options.events?.provider ?? adapter.id,
    method: c.req.method,
    path: url.pathname,
    route: label,
    onError: (error) => logger.warn(`proxy: access log: ${(error as Error).message}`),
  });
  const refuse = (error: ProxyError, event?: UsageEvent | undefined) => {
    count(label, error.status);
    log.end({
      status: error.status,
      errorCode: error.code,
      event,
      callerLeft: c.req.raw.signal.aborted,
    });
    return adapter.errorResponse(error);
  };
  const upstreamOf = context.upstreamOf(adapter);
  if (!upstreamOf) return refuse(context.unconfigured(adapter));
  const admission = await admitMeteredCall({
    context,
    adapter,
    route,
    c,
    log,
    refuse,
    serverKey: upstreamOf.apiKey !== undefined,
  });
  if (!admission.success) return admission.response;
  const { body, subject, call, owner } = admission.admitted;
  const settle = admission.admitted.hold.settle;
  const streaming = call.streaming;
  timings.describe({ streaming });

  const envelope: ProxyEventEnvelope = {
    subject,
    source: options.events?.source,
    type: options.events?.type,
    provider: options.events?.provider,
    id: options.events?.ids === 'generated' ? generateId() : undefined,
  };
  if (c.req.raw.signal.aborted) {
    // Gone already (during the budget check): nothing is sent upstream, nothing is billed.
    settle(undefined);
    return refuse({
      status: 499,
      message: 'The client closed the connection before the request was sent upstream.',
      kind: 'invalid_request',
      code: 'client_closed_request',
    });
  }

  const fallbackId = envelope.id ?? generateId();
  timings.mark('parsed');
  // A caller that leaves once the request is sent does not stop upstream at once: what
  // upstream has sent, or sends within the grace, is still read and metered.
  const grace = createAbortGrace({
    callerSignal: c.req.raw.signal,
    graceMs: context.abortGraceMs,
    sleep: options.sleep,
  });
  // Journaled before the request is handed to undici, which writes it to a kept-alive socket
  // inside the call: the body as sent, not counted (one write, no sync). A proxy killed once the
  // request has left bills its prompt on the next start; the session opened after the send
  // replaces the record with the counted estimate.
  let pending: UsageStreamHandle | undefined;
  try {
    pending = timings.metering(() =>
      usage.openPending({
        endpoint: call.usageEndpoint,
        body: call.upstreamBody,
        requestedModel: call.model,
        envelope: { ...envelope, fallbackId },
        now,
      }),
    );
  } catch (error) {
    logger.warn(
      `proxy: could not journal the call of ${subject} before sending it: ${(error as Error).message}`,
    );
  }
  const started = performance.now();
  const answer = request(context.upstreamUrl({ c, adapter, upstream: upstreamOf }), {
    dispatcher: context.dispatcher,
    method: route.method,
    headers: createUpstreamHeaders({
      incoming: c.env.incoming.headers,
      subjectHeader: subjects.header,
      serverKey:
        upstreamOf.apiKey === undefined
          ? undefined
          : { apiKey: upstreamOf.apiKey, auth: adapter.auth },
    }),
    body: call.upstreamBody,
    signal: grace.signal,
  });
  timings.mark('sent');
  // Journaled in the turn the request is handed to undici, before anything upstream answers can
  // be read: a process that dies while upstream thinks still bills the prompt (under upstream's
  // request id once its headers came). The prompt is counted and written while upstream works,
  // not before the request leaves (see the README's "Crash safety").
  let session: StreamMeterSession | undefined;
  let callSession: CallMeterSession | undefined;
  try {
    const journaled = { envelope: { ...envelope, fallbackId }, now };
    timings.metering(() => {
      if (streaming)
        session = usage.openStream({
          ...journaled,
          metering: call.streamMetering(),
          retrievable: call.retrievable,
          pending,
        });
      else
        callSession = usage.openCall({
          ...journaled,
          request: body,
          endpoint: call.usageEndpoint,
          promptMeter: call.promptMeter,
          pending,
        });
    });
  } catch (error) {
    // Without a session nothing would replace the pending record: it would bill the prompt
    // again, beside the answer's event, on the next start.
    if (!session && !callSession) metering.abandon(pending);
    metrics.meteringFailures.inc({ stage: 'journal' });
    logger.warn(
      `proxy: could not journal the ${streaming ? 'stream' : 'call'} of ${subject}: ${(error as Error).message}`,
    );
  }

  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await answer;
  } catch (error) {
    grace.release();
    // A request that never reached upstream was billed nothing: its journaled estimate goes.
    // Once sent, upstream may have billed it, so it stays an estimate.
    let estimate: UsageEvent | undefined;
    if (isConnectFailure(error)) {
      session = metering.abandon(session);
      callSession = metering.abandon(callSession);
    } else {
      const reason = grace.signal.aborted ? 'aborted' : 'error';
      estimate = metering.finish(session, reason) ?? metering.finish(callSession, reason);
    }
    settle(undefined);
    return refuse(context.unreachable(error, upstreamOf), estimate);
  } finally {
    metrics.upstreamLatency.observe({ route: label }, (performance.now() - started) / 1000);
  }
  timings.mark('headers');
  const status = upstream.statusCode;
  const requestId =
    adapter.requestIdHeader === undefined
      ? undefined
      : headerValue(upstream.headers[adapter.requestIdHeader]);
  // Before the caller sees the headers: a proxy killed before the first chunk (or the answer's
  // body) bills the request under the id upstream logged for it, not a UUID of ours.
  if (requestId) {
    log.set({ request_id: requestId });
    timings.metering(() => {
      session?.setFallbackId({ fallbackId: requestId });
      callSession?.setFallbackId({ fallbackId: requestId });
    });
  }
  const headers = createDownstreamHeaders({ upstream: upstream.headers });
  const outgoing = c.env.outgoing;

  if (status < 200 || status > 299) {
    count(label, status);
    // Upstream bills no tokens for a refused request: nothing is metered, and the answer passes
    // through as it came.
    grace.release();
    session = metering.abandon(session);
    callSession = metering.abandon(callSession);
    settle(undefined);
    relayBody({
      upstream: upstream.body,
      outgoing,
      status,
      headers,
      onEnd: () => log.end({ status, callerLeft: c.req.raw.signal.aborted }),
    });
    return RESPONSE_ALREADY_SENT;
  }

  if (!streaming) {
    // Upstream has answered and billed: a caller leaving now must not stop the body being read
    // and metered.
    grace.release();
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await upstream.body.arrayBuffer());
    } catch (error) {
      // Upstream broke off mid-body: no usage can be read from it, but it may have billed.
      const estimate = metering.finish(callSession, 'error');
      settle(undefined);
      return refuse(context.unreachable(error, upstreamOf), estimate);
    }
    count(label, status);
    const event = timings.metering(() =>
      metering.meterBlocking({
        bytes,
        owner,
        session: callSession,
        call,
        envelope: { ...envelope, fallbackId: requestId ?? fallbackId },
      }),
    );
    settle(event);
    sendBody({
      outgoing,
      status,
      headers: { ...headers, ...createEventHeaders({ event }) },
      body: bytes,
    });
    timings.mark('firstByte');
    timings.done();
    log.end({ status, event, callerLeft: c.req.raw.signal.aborted });
    return RESPONSE_ALREADY_SENT;
  }

  count(label, status);
  // Chunks are metered (and journaled) right after each read's events were written to the
  // caller, in the same turn: the caller's bytes never wait for the journal.
  const unmetered: unknown[] = [];
  relayStream({
    upstream: upstream.body,
    outgoing,
    status,
    // Sent before the first event, never delayed: the event id only when known now; else, with
    // no request id from upstream, the proxy's own id a stream cut before its first chunk is
    // billed under (Gemini sends no request id).
    headers: {
      ...headers,
      ...createEventHeaders({
        id: envelope.id,
        fallbackId: requestId ? undefined : fallbackId,
      }),
    },
    framer: call.createFramer(),
    onEvent(event) {
      timings.mark('firstChunk');
      if (event.data === undefined) return true;
      const chunk = call.chunkOf(event.data);
      if (!chunk) return true;
      // Before the chunk reaches the caller: its id must find its owner at once.
      owner?.observe(chunk);
      unmetered.push(chunk);
      return call.forwards(chunk);
    },
    onFirstWrite: () => {
      timings.mark('firstByte');
      log.firstByte();
    },
    afterEvents() {
      // Upstream is still sending: after the caller left, the grace reads on.
      grace.progress();
      if (unmetered.length === 0) return;
      timings.metering(() => {
        for (const chunk of unmetered) metering.push(session, chunk);
      });
      unmetered.length = 0;
    },
    onEnd(reason) {
      grace.release();
      // Upstream aborted when the grace after the caller left ended: an estimate of what came.
      const event = metering.finish(
        session,
        reason === 'error' && grace.signal.aborted ? 'aborted' : reason,
      );
      settle(event);
      timings.done();
      log.end({ status, event, callerLeft: c.req.raw.signal.aborted });
    },
  });
  timings.mark('headersWritten');
  return RESPONSE_ALREADY_SENT;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
