import type { UsageEvent } from '@llm-meter/meter-core';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import {
  createCallJournal,
  createStreamJournal,
  openPendingCall,
  type StreamJournal,
  type UsageSettler,
} from '@llm-meter/metering';
import type { ProxyMetrics } from './create-proxy-metrics.js';
import type { CallMeterSession, ProxyUsageSink, StreamMeterSession } from './proxy-types.js';

/**
 * The proxy's usage sink over the outbox, with `@llm-meter/metering`'s journals: every call is
 * journaled as it is sent (its prompt estimate, under a provisional id, then upstream's
 * request id once its headers arrive). A blocking call's record is replaced by the answer's
 * event. A stream's is re-keyed to the provider's id when a chunk names it, brought up to date on
 * every chunk, and replaced by the stream's one final event. So a proxy killed mid-call bills, on
 * its next start, a `crashed` estimate of the prompt and of every chunk journaled before the
 * kill. With a `settler`, an estimate whose response id is known is settled against upstream's
 * own usage (one correction event when it differs).
 */
export function createOutboxUsageSink({
  outbox,
  settler,
  metrics,
  onJournalError,
}: {
  outbox: UsageOutbox;
  settler?: UsageSettler | undefined;
  /** Where a stream's journaling failure is counted (`stage="journal"`, once per stream). */
  metrics: Pick<ProxyMetrics, 'meteringFailures'>;
  /** A journaling or settlement failure; the response goes through regardless. */
  onJournalError: (error: unknown) => void;
}): ProxyUsageSink {
  // A request the outbox refuses fails on every chunk (and at its end): counted and reported once.
  const createJournalError = () => {
    let failed = false;
    return (error: unknown) => {
      if (failed) return;
      failed = true;
      metrics.meteringFailures.inc({ stage: 'journal' });
      onJournalError(error);
    };
  };
  return {
    enqueue: (event) => outbox.enqueue(event),
    enqueueRefusal: (event) => outbox.enqueue(event),
    openPending: ({ endpoint, body, requestedModel, envelope, now }) =>
      openPendingCall({
        outbox,
        endpoint,
        body,
        requestedModel,
        options: { ...envelope, now },
        // Not counted: the session opened right after the send meets the same refusal (outbox
        // full or closed) and counts it once; it journals the prompt estimate regardless.
        onJournalError: () => undefined,
      }),
    openCall({ endpoint, promptMeter, request, envelope, now, pending }): CallMeterSession {
      const journalError = createJournalError();
      const journal = createCallJournal({
        endpoint,
        promptMeter,
        request,
        outbox,
        options: { ...envelope, now },
        pending,
        onJournalError: journalError,
      });
      journal.start();
      const complete = (event: UsageEvent) => {
        try {
          journal.complete(event);
        } catch (error) {
          // Counted here if the call's journaling had not failed yet; the caller reports it.
          journalError(error);
          throw error;
        }
      };
      return {
        setFallbackId: (input) => journal.setFallbackId(input),
        complete,
        finish(reason) {
          const event = journal.finish({ reason });
          try {
            complete(event);
          } catch {
            // Refused by the outbox: the answer (or its absence) has gone through regardless.
          }
          return event;
        },
        abandon: () => journal.abandon(),
      };
    },
    openStream({ metering, envelope, now, retrievable, pending }): StreamMeterSession {
      const options = { ...envelope, now };
      // Upstream's request id may replace the provisional id before the first chunk; an `id`
      // override (generated ids) names every event and is never replaced.
      const fallbackId = envelope.id === undefined ? envelope.fallbackId : undefined;
      const journalError = createJournalError();
      const journal: StreamJournal<unknown> = createStreamJournal<unknown>({
        meter: metering.createMeter(options),
        reader: metering.reader,
        outbox,
        fallbackId,
        pending,
        onJournalError: journalError,
      });
      journal.start();
      return {
        push: (chunk) => journal.push(chunk),
        finish(reason): UsageEvent {
          const event = journal.finish({ reason });
          try {
            journal.complete(event);
          } catch (error) {
            // Refused by the outbox (full, or its disk): the answer has gone through regardless.
            journalError(error);
          }
          if (settler && event.data.usage_source === 'estimated' && retrievable) {
            try {
              settler.track({ event, responseId: journal.responseId });
            } catch (error) {
              metrics.meteringFailures.inc({ stage: 'settle_track' });
              onJournalError(error);
            }
          }
          return event;
        },
        abandon: () => journal.abandon(),
        setFallbackId: (input) => journal.setFallbackId(input),
      };
    },
  };
}
