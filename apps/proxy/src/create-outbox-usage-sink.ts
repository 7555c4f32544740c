import type { UsageEvent } from '@llm-meter/meter-core';
import { ChatStreamMeter, ResponsesStreamMeter } from '@llm-meter/meter-core/push';
import type { UsageOutbox, UsageStreamHandle } from '@llm-meter/meter-outbox';
import type { ProxyUsageSink, StreamMeterSession } from './proxy-types.js';

/**
 * The proxy's usage sink over the outbox: finished responses are enqueued; a stream is journaled
 * before its request is sent (the prompt estimate, under a provisional id), re-keyed to the
 * provider's id when a chunk names it, and its one final event replaces the journaled record, so
 * a proxy killed mid-stream bills it as a `crashed` estimate on its next start.
 */
export function createOutboxUsageSink({
  outbox,
  onJournalError,
}: {
  outbox: UsageOutbox;
  onJournalError: (error: unknown) => void;
}): ProxyUsageSink {
  return {
    enqueue: (event) => outbox.enqueue(event),
    openStream({ endpoint, request, envelope }): StreamMeterSession {
      const options = { ...envelope, now: () => new Date() };
      const meter =
        endpoint === 'chat'
          ? new ChatStreamMeter({ request: request as never, options })
          : new ResponsesStreamMeter({ request: request as never, options });
      let handle: UsageStreamHandle | undefined;
      const journal = () => {
        let estimate: UsageEvent;
        try {
          estimate = meter.finish({ reason: 'aborted' });
        } catch {
          return;
        }
        try {
          if (handle && handle.id !== estimate.id) {
            handle.abandon();
            handle = undefined;
          }
          const crashEvent =
            estimate.data.usage_source === 'provider'
              ? estimate
              : { ...estimate, data: { ...estimate.data, estimate_reason: 'crashed' as const } };
          if (handle) handle.update(crashEvent);
          else handle = outbox.openStream(crashEvent);
        } catch (error) {
          onJournalError(error);
        }
      };
      journal();
      return {
        push(chunk) {
          meter.push(chunk as never);
          const id =
            (chunk as { id?: unknown; response?: { id?: unknown } }).id ??
            (chunk as { response?: { id?: unknown } }).response?.id;
          if (typeof id === 'string' && handle && handle.id !== id) journal();
        },
        finish(reason) {
          const event = meter.finish({ reason });
          if (handle && handle.id === event.id) handle.complete(event);
          else {
            handle?.abandon();
            outbox.enqueue(event);
          }
          return event;
        },
        abandon() {
          handle?.abandon();
          handle = undefined;
        },
      };
    },
  };
}
