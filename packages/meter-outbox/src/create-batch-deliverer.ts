import { computeBackoffDelay } from '@llm-meter/openmeter-client';
import { classifyIngestError, type IngestFailure } from './classify-ingest-error.js';
import { formatCount } from './format-count.js';
import type { OutboxNoticeMap } from './outbox-emitter.js';
import type { OutboxEvent, OutboxIngestClient } from './outbox-event.js';
import type { OutboxEntry, OutboxLogger } from './usage-outbox-types.js';

type SendOutcome =
  | { kind: 'delivered' }
  | { kind: 'stopped' }
  | { kind: 'rejected'; failure: IngestFailure; error: unknown };

/**
 * What the deliverer reports back to the outbox.
 */
export interface BatchDelivererHooks {
  onDelivered(entries: OutboxEntry[]): void;
  onRejected(input: { entry: OutboxEntry; failure: IngestFailure; error: unknown }): void;
  onRetry(batchSize: number): void;
  emit<Name extends keyof OutboxNoticeMap>(name: Name, notice: OutboxNoticeMap[Name]): void;
}

/**
 * Returns `deliver(batch)`: sends the batch with `client.events.ingest`, retrying retryable and
 * configuration failures without limit (backoff with full jitter, or `Retry-After`) until it
 * succeeds or `isStopped()`. A non-retryable 4xx bisects the batch so the good events are
 * delivered and each bad one is handed to `onRejected` (log2(batch) extra requests per bad event).
 */
export function createBatchDeliverer({
  client,
  hooks,
  logger,
  retry,
  random,
  maxPending,
  isStopped,
  sleep,
}: {
  client: OutboxIngestClient;
  hooks: BatchDelivererHooks;
  logger: OutboxLogger | undefined;
  retry: { initialDelayMs: number; maxDelayMs: number; maxRetryAfterMs: number };
  random: () => number;
  maxPending: number;
  isStopped: () => boolean;
  sleep: (ms: number) => Promise<void>;
}): (batch: OutboxEntry[]) => Promise<void> {
  const send = async (entries: OutboxEntry[]): Promise<SendOutcome> => {
    for (let attempt = 0; ; attempt++) {
      if (isStopped()) return { kind: 'stopped' };
      try {
        const events = entries.map((entry) => entry.event as OutboxEvent);
        // One attempt per call: the outbox retries on its own terms, without a time limit.
        await client.events.ingest(events, { retry: false });
        if (isStopped()) return { kind: 'stopped' };
        hooks.emit('delivered', { events, retries: attempt });
        return { kind: 'delivered' };
      } catch (error) {
        if (isStopped()) return { kind: 'stopped' };
        const failure = classifyIngestError(error);
        if (failure.kind === 'reject') return { kind: 'rejected', failure, error };
        // A server's Retry-After wins (bounded); else backoff with full jitter.
        const delayMs =
          failure.retryAfterMs !== undefined &&
          Number.isFinite(failure.retryAfterMs) &&
          failure.retryAfterMs >= 0
            ? Math.min(failure.retryAfterMs, retry.maxRetryAfterMs)
            : computeBackoffDelay({
                attempt: attempt + 1,
                initialDelayMs: retry.initialDelayMs,
                maxDelayMs: retry.maxDelayMs,
                random,
              });
        hooks.onRetry(entries.length);
        hooks.emit('retry', {
          error,
          status: failure.status,
          kind: failure.kind,
          attempt,
          delayMs,
          batchSize: entries.length,
        });
        // A blip is normal; a streak deserves a line (not one per attempt during a long outage).
        if (failure.kind === 'retry' && attempt % 20 === 3) {
          logger?.warn(
            `OpenMeter still unavailable after ${attempt + 1} attempts (${error instanceof Error ? error.message : String(error)}); ${formatCount({ count: entries.length, noun: 'event' })} held, retrying in ${delayMs} ms. Nothing is dropped.`,
            { status: failure.status },
          );
        }
        if (failure.kind === 'configuration') {
          const message = describeConfigurationFailure({
            failure,
            events: entries.length,
            maxPending,
          });
          if (attempt % 10 === 0) logger?.error(message, { status: failure.status });
          hooks.emit('error', { error, message });
        }
        await sleep(delayMs);
      }
    }
  };

  return async (batch) => {
    const stack = [batch];
    while (stack.length > 0) {
      const part = stack.pop() as OutboxEntry[];
      const outcome = await send(part);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'delivered') hooks.onDelivered(part);
      else if (part.length === 1) {
        hooks.onRejected({
          entry: part[0] as OutboxEntry,
          failure: outcome.failure,
          error: outcome.error,
        });
      } else {
        const middle = Math.ceil(part.length / 2);
        stack.push(part.slice(middle), part.slice(0, middle));
      }
    }
  };
}

// A wrong key, a missing key and a wrong URL need different fixes: say which one applies.
function describeConfigurationFailure({
  failure,
  events,
  maxPending,
}: {
  failure: IngestFailure;
  events: number;
  maxPending: number;
}): string {
  const held = `${formatCount({ count: events, noun: 'event' })} ${events === 1 ? 'is' : 'are'} held and retried, not dropped; usage keeps accumulating in the outbox (maxPending ${maxPending})`;
  const authentication = failure.status === 401 || failure.status === 403;
  if (authentication && failure.apiKeySet === false) {
    return `OpenMeter requires an API key (HTTP ${failure.status}) and none was set: pass apiKey to createOpenMeterClient (e.g. from OPENMETER_API_KEY). ${held}.`;
  }
  if (authentication) {
    return `OpenMeter refused the API key (HTTP ${failure.status}): check the key and its permissions. ${held}.`;
  }
  return `OpenMeter has no ingest endpoint at this URL (HTTP ${failure.status}): check the client's baseUrl. ${held}.`;
}
