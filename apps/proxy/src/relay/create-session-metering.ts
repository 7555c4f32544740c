import { type StreamEndReason, splitTokenTypes, type UsageEvent } from '@llm-meter/meter-core';
import type { ProxyMetrics } from '../create-proxy-metrics.js';
import type { MeteredCall } from '../providers/provider-adapter.js';
import type {
  CallMeterSession,
  ProxyEventEnvelope,
  ProxyUsageSink,
  StreamMeterSession,
} from '../proxy-types.js';
import type { OwnerRecorder } from '../tenancy/create-tenant-guard.js';

/** The relay's metering steps, each of which reports its own failure and never throws. */
export interface SessionMetering {
  /** Ends a stream's or call's metering; its event, counted, if one could be made. */
  finish<Reason extends StreamEndReason>(
    session: { finish(reason: Reason): UsageEvent | undefined } | undefined,
    reason: Reason,
  ): UsageEvent | undefined;
  /** Drops a journaled record: upstream was never reached, or refused the request. */
  abandon(session: { abandon(): void } | undefined): undefined;
  /** Meters one stream chunk. */
  push(session: StreamMeterSession | undefined, chunk: unknown): void;
  /** Meters a blocking answer: its event, journaled in place of the call's record. */
  meterBlocking(input: {
    bytes: Buffer;
    owner: OwnerRecorder | undefined;
    /** The call's journaled record, which the answer's event replaces. */
    session: CallMeterSession | undefined;
    call: MeteredCall;
    envelope: ProxyEventEnvelope;
  }): UsageEvent | undefined;
}

/**
 * The metering steps of the relay over the usage sink, with failures counted in
 * `llm_meter_proxy_metering_failures_total` and logged: metering never fails a call. Every event
 * metered is counted by source and token type.
 */
export function createSessionMetering({
  usage,
  metrics,
  logger,
  now,
}: {
  usage: ProxyUsageSink;
  metrics: ProxyMetrics;
  logger: { warn(message: string): void };
  now: () => Date;
}): SessionMetering {
  const countEvent = (event: UsageEvent) => {
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
  };
  const finish: SessionMetering['finish'] = (session, reason) => {
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
  };
  return {
    finish,
    abandon(session) {
      if (session) {
        try {
          session.abandon();
        } catch {
          // Nothing was billed; a failed abandon leaves at most a crash estimate of the prompt.
        }
      }
      return undefined;
    },
    push(session, chunk) {
      if (!session) return;
      try {
        session.push(chunk);
      } catch (error) {
        metrics.meteringFailures.inc({ stage: 'stream_chunk' });
        logger.warn(`proxy: a stream chunk could not be metered: ${(error as Error).message}`);
      }
    },
    meterBlocking({ bytes, owner, session, call, envelope }) {
      let event: UsageEvent;
      try {
        const response: unknown = JSON.parse(bytes.toString('utf8'));
        if (owner && response && typeof response === 'object')
          owner.observe(response as Record<string, unknown>);
        event = call.toUsageEvent(response, { ...envelope, now });
      } catch (error) {
        metrics.meteringFailures.inc({ stage: 'convert' });
        logger.warn(`proxy: a response could not be metered: ${(error as Error).message}`);
        // Upstream answered, so it billed: what it answered cannot be read, the prompt can.
        return finish(session, 'error');
      }
      try {
        if (session) session.complete(event);
        else usage.enqueue(event);
        countEvent(event);
      } catch (error) {
        // The call's session counted its own journaling failure.
        if (!session) metrics.meteringFailures.inc({ stage: 'journal' });
        logger.warn(
          `proxy: usage event ${event.id} could not be journaled: ${(error as Error).message}`,
        );
      }
      return event;
    },
  };
}
