import type { EncodingName, StreamMeterOptions, UsageEvent } from '@llm-meter/meter-core';
import {
  createPendingCallEvent,
  type PendingCallEndpoint,
  type PendingCallEvent,
  type StreamEndReason,
} from '@llm-meter/meter-core/push';
import type { UsageOutbox, UsageStreamHandle } from '@llm-meter/meter-outbox';
import { createDeltaTokenCounter } from './create-delta-token-counter.js';

/**
 * What the journal needs from a push-based stream meter of meter-core (`ChatStreamMeter`,
 * `ResponsesStreamMeter`).
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export interface JournaledStreamMeter<Chunk> {
  push(chunk: Chunk): void;
  finish(options: { reason: StreamEndReason }): UsageEvent;
}

/**
 * How the journal reads one chunk: the id it names the stream by (if it carries one), the
 * generated text it adds (billed as output), and whether it carries the provider's usage.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export interface StreamChunkReader<Chunk> {
  streamIdOf(chunk: Chunk): string | undefined;
  generatedTextOf(chunk: Chunk): string;
  carriesUsage(chunk: Chunk): boolean;
}

/**
 * A stream's journal: `push` every chunk (journals the progress at once), `complete` with the
 * final event.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface StreamJournal<Chunk> {
  /** Journals the prompt estimate, before the first chunk: a process that dies while a reasoning model thinks still bills the prompt. */
  start(): void;
  /**
   * Journals the call as a pending record instead of `start`, before it is sent: the request
   * body as sent and the envelope, with no parse and no token count (meter-core's
   * `createPendingCallEvent`), so nothing delays the request. Until a record needs the count
   * (a chunk with generated text or usage, the final event), `setFallbackId` and a chunk that
   * names the stream re-key that record without counting; a process that dies first is billed
   * the prompt's `crashed` estimate by the outbox's next start (`revivePendingCall`), under the
   * same id the journal would have used.
   */
  startPending(input: PendingStart): void;
  push(chunk: Chunk): void;
  finish(options: { reason: StreamEndReason }): UsageEvent;
  /** Closes the journaled record with the stream's final event, or enqueues it alone. */
  complete(event: UsageEvent): void;
  /** Drops the journaled record, metering nothing: upstream refused the request and billed nothing. */
  abandon(): void;
  /**
   * Names the stream by a better id than the provisional `fallbackId` the journal was created
   * with, before any chunk named it: upstream's request id (`x-request-id`), which arrives with
   * the response headers. The journaled record is re-keyed at once, so a process killed before
   * the first chunk bills the stream under that id; an event the meter builds under the
   * provisional id (no chunk carried one) takes it too. Does nothing once a chunk named the
   * stream, and nothing to an `id` override.
   */
  setFallbackId(input: { fallbackId: string }): void;
  /** Journal records written so far (one per chunk once the stream is named, plus the prompt's). */
  readonly snapshots: number;
  /** The provider's response id, once a chunk carried it. */
  readonly responseId: string | undefined;
}

/** What `startPending` journals: the request as sent, and the envelope its meter was made with. */
export interface PendingStart {
  endpoint: PendingCallEndpoint;
  /** The request body as sent (JSON text). */
  body: string;
  /** Gemini's model, from the URL. */
  requestedModel?: string | undefined;
  /** The envelope the journal's meter was made with (its `id` or `fallbackId` names the record). */
  options: StreamMeterOptions;
}

/**
 * Turns the journaled estimate into the event the outbox delivers if the process dies with the
 * stream open: the same event, marked `usage_source: "estimated"`, `estimate_reason: "crashed"`.
 * Provider usage (the usage chunk arrived before the crash) is delivered as it is.
 */
function toCrashEvent(event: UsageEvent): UsageEvent {
  if (event.data.usage_source === 'provider') return event;
  return {
    ...event,
    data: { ...event.data, usage_source: 'estimated', estimate_reason: 'crashed' },
  };
}

/**
 * Journals a stream's progress in the outbox on every chunk, so that a process killed after K
 * chunks is billed for all K (`crashed`) on the outbox's next start. Each snapshot is cheap: the
 * meter re-encodes everything streamed so far only when the chunk count has doubled since the
 * last time (or the chunk names the stream, or carries usage), and in between the tokens of each
 * chunk's new text are added to that anchor, so the cost per chunk stays a few microseconds,
 * however long the stream. Counting chunk texts apart can only over-count the tokens BPE would
 * merge across a chunk boundary, by about one per boundary since the last anchor; the final
 * event, built by the meter from the whole text, replaces the snapshot.
 * A journaling failure (outbox full or closed) goes to `onJournalError` and never breaks the
 * stream.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function createStreamJournal<Chunk>({
  meter,
  reader,
  outbox,
  encoding,
  fallbackId,
  pending,
  onJournalError,
}: {
  meter: JournaledStreamMeter<Chunk>;
  reader: StreamChunkReader<Chunk>;
  outbox: UsageOutbox;
  /** The estimate's encoding, if the caller set one (else the model's, else o200k_base). */
  encoding?: EncodingName | undefined;
  /**
   * The `fallbackId` the meter was given: the id of its events until a chunk names the stream.
   * Needed by `setFallbackId` (without it, `setFallbackId` does nothing).
   */
  fallbackId?: string | undefined;
  /**
   * The call's pending record (`openPendingCall`), journaled before the request was sent: the
   * first record (`start`) replaces it in place, `abandon` drops it.
   */
  pending?: UsageStreamHandle | undefined;
  onJournalError: (error: unknown) => void;
}): StreamJournal<Chunk> {
  let handle: UsageStreamHandle | undefined = pending;
  let anchor: UsageEvent | undefined;
  let anchorChunks = 0;
  let chunks = 0;
  let addedCompletion = 0;
  let snapshots = 0;
  let responseId: string | undefined;
  // The pending record (`startPending`) while it is the journaled one: re-keyed without a count.
  let pendingEvent: PendingCallEvent | undefined;
  // An `id` override names the pending record, and every event: no chunk re-keys it.
  let pendingIdFixed = false;
  // The meter's events carry `provisionalId` until a chunk names the stream; `setFallbackId`
  // gives them a better one (the meter itself is never asked to change).
  const provisionalId = fallbackId;
  let currentId = fallbackId;
  const identify = (event: UsageEvent): UsageEvent =>
    currentId !== provisionalId && event.id === provisionalId
      ? { ...event, id: currentId as string }
      : event;
  const countDelta = createDeltaTokenCounter({ encoding });

  const journal = (event: UsageEvent) => {
    try {
      // A new id (the stream got its provider id, or upstream's request id) re-keys the record
      // in this same write: the prompt estimate was journaled under a provisional id.
      const crashEvent = toCrashEvent(event);
      if (handle) handle.update(crashEvent);
      else handle = outbox.openStream(crashEvent);
      pendingEvent = undefined;
      snapshots += 1;
    } catch (error) {
      onJournalError(error);
    }
  };

  /** Re-keys the pending record, still the journaled one, to `id` (one write, no count). */
  const rekeyPending = (id: string) => {
    if (pendingEvent === undefined || handle === undefined || pendingEvent.id === id) return;
    const next = { ...pendingEvent, id };
    try {
      handle.update(next);
      pendingEvent = next;
      snapshots += 1;
    } catch (error) {
      onJournalError(error);
    }
  };

  const reanchor = () => {
    try {
      anchor = identify(meter.finish({ reason: 'aborted' }));
    } catch {
      // No id or time yet: nothing can be journaled under the final event's id.
      return false;
    }
    anchorChunks = chunks;
    addedCompletion = 0;
    return true;
  };

  /** Journals the anchor plus the completion tokens added since it was built. */
  const journalProgress = () => {
    const base = anchor as UsageEvent;
    if (addedCompletion === 0 || base.data.usage_source === 'provider') {
      journal(base);
      return;
    }
    const completion = base.data.completion_tokens + addedCompletion;
    journal({
      ...base,
      data: {
        ...base.data,
        completion_tokens: completion,
        total_tokens: base.data.prompt_tokens + completion,
      },
    });
  };

  return {
    start() {
      if (reanchor()) journal(anchor as UsageEvent);
    },
    startPending({ endpoint, body, requestedModel, options }) {
      const id = options.id ?? options.fallbackId ?? fallbackId;
      if (id === undefined) {
        throw new TypeError(
          'startPending: the envelope names no record: pass options.fallbackId (or options.id)',
        );
      }
      const event = createPendingCallEvent({
        endpoint,
        body,
        requestedModel,
        options: { ...options, fallbackId: id },
        time: (options.now ?? (() => new Date()))(),
      });
      try {
        if (handle) handle.update(event);
        else handle = outbox.openStream(event);
        pendingEvent = event;
        pendingIdFixed = options.id !== undefined;
        snapshots += 1;
      } catch (error) {
        onJournalError(error);
      }
    },
    get snapshots() {
      return snapshots;
    },
    get responseId() {
      return responseId;
    },
    push(chunk) {
      meter.push(chunk);
      chunks += 1;
      const streamId = reader.streamIdOf(chunk);
      if (streamId !== undefined) responseId = streamId;
      if (anchor === undefined && pendingEvent !== undefined) {
        // Still the pending record: a chunk that adds nothing billable only names the stream,
        // so the record is re-keyed and the prompt stays uncounted (the first chunk's delay).
        if (!reader.carriesUsage(chunk) && reader.generatedTextOf(chunk) === '') {
          if (streamId !== undefined && !pendingIdFixed) rekeyPending(streamId);
          return;
        }
      }
      const naming = streamId !== undefined && anchor !== undefined && streamId !== anchor.id;
      if (
        anchor === undefined ||
        naming ||
        reader.carriesUsage(chunk) ||
        chunks >= Math.max(2 * anchorChunks, anchorChunks + 4)
      ) {
        if (!reanchor()) return;
      } else {
        const text = reader.generatedTextOf(chunk);
        if (text === '') return;
        addedCompletion += countDelta({ text, model: anchor.data.model });
      }
      journalProgress();
    },
    finish: (options) => identify(meter.finish(options)),
    setFallbackId({ fallbackId: better }) {
      if (provisionalId === undefined || better === currentId) return;
      const previousId = currentId;
      currentId = better;
      // Re-journal only a record keyed by the fallback id: not one a chunk (or `id`) named.
      if (anchor === undefined) {
        if (pendingEvent?.id === previousId) rekeyPending(better);
        return;
      }
      if (anchor.id !== previousId) return;
      anchor = { ...anchor, id: better };
      journalProgress();
    },
    complete(event) {
      // Under the final event's id, whatever the record's: one record closes it and adds the event.
      if (handle) {
        try {
          handle.complete(event);
          return;
        } catch (error) {
          onJournalError(error);
        }
      }
      // The record could not be completed (or nothing was journaled): the final event alone.
      try {
        handle?.abandon();
      } catch {}
      outbox.enqueue(event);
    },
    abandon() {
      try {
        handle?.abandon();
      } catch (error) {
        onJournalError(error);
      }
      handle = undefined;
    },
  };
}
