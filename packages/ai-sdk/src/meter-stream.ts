import type { UsageEvent } from '@llm-meter/meter-core';
import type { StreamEndReason } from '@llm-meter/meter-core/push';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import { createStreamJournal, type StreamJournal } from '@llm-meter/metering';
import type { NormalizedUsageLike, StreamPartLike, StreamResultLike } from './ai-sdk-types.js';
import { readRequestId } from './meter-generate.js';
import { createNormalizedUsageEvent } from './normalized/create-normalized-usage-event.js';
import { normalizedPartReader } from './normalized/normalized-stream-meter.js';
import {
  isRefusedByProvider,
  type PreparedMeterCall,
  readRequestBody,
} from './prepare-meter-call.js';

/**
 * Meters one streaming call (`doStream`) through metering's stream journal: the prompt
 * estimate is journaled before the call is sent, re-keyed to upstream's request id when the
 * headers arrive, then every chunk is journaled as it passes (the provider's raw chunks through
 * meter-core's stream meter, or the SDK's parts for providers without a mapping), so a process
 * killed mid-stream bills what was streamed. Exactly one event per response: the provider's
 * usage, or an estimate when the stream ends without it (`aborted`, `error`). A caller that
 * cancels is answered at once while the rest is read for `abortGraceMs`, so usage already on
 * its way is billed as the provider counted it. Raw chunks the caller did not ask for are
 * dropped from what it reads.
 * @see https://ai-sdk.dev/docs/ai-sdk-core/middleware
 */
export async function meterStream<
  Part extends StreamPartLike,
  Result extends StreamResultLike<Part>,
>({
  call,
  doStream,
  abortSignal,
  outbox,
  upstream,
  hideRawChunks,
  abortGraceMs,
}: {
  call: PreparedMeterCall;
  doStream: () => PromiseLike<Result>;
  /** The caller's signal: when it fires, the stream is billed as `aborted`. */
  abortSignal: AbortSignal | null | undefined;
  /**
   * The signal given to the provider in the caller's place, aborted only after the grace read
   * (or at once if the caller aborts before the answer's headers).
   */
  upstream: AbortController | undefined;
  outbox: UsageOutbox;
  /** The middleware asked for raw chunks the caller did not: keep them from it. */
  hideRawChunks: boolean;
  abortGraceMs: number;
}): Promise<Result> {
  // Built before the request body is known; swapped for the real body's meter before a chunk.
  let meter = call.createMeter(call.request);
  let journal: StreamJournal<unknown> | undefined;
  try {
    journal = createStreamJournal<unknown>({
      meter: { push: (chunk) => meter.push(chunk), finish: (options) => meter.finish(options) },
      reader: call.adapter?.reader ?? (normalizedPartReader as never),
      outbox,
      encoding: call.meterOptions.encoding,
      fallbackId: call.meterOptions.fallbackId,
      onJournalError: call.onError,
    });
    journal.start();
  } catch (error) {
    call.onError(error);
    journal = undefined;
  }
  // Before the answer's headers there is nothing to read on: abort upstream with the caller.
  const abortEarly = () => upstream?.abort(abortSignal?.reason);
  abortSignal?.addEventListener('abort', abortEarly, { once: true });
  let result: Result;
  try {
    result = await doStream();
  } catch (error) {
    endFailedStream({ call, journal, error, abortSignal });
    throw error;
  } finally {
    abortSignal?.removeEventListener('abort', abortEarly);
  }
  if (!journal) return result;
  try {
    meter = call.createMeter(
      readRequestBody({ body: result.request?.body, fallback: call.request }),
    );
    const requestId = readRequestId({ call, headers: result.response?.headers });
    if (requestId !== undefined) journal.setFallbackId({ fallbackId: requestId });
  } catch (error) {
    call.onError(error);
  }
  return {
    ...result,
    stream: createMeteredStream({
      source: result.stream,
      journal,
      call,
      abortSignal,
      upstream,
      hideRawChunks,
      abortGraceMs,
    }),
  };
}

function endFailedStream({
  call,
  journal,
  error,
  abortSignal,
}: {
  call: PreparedMeterCall;
  journal: StreamJournal<unknown> | undefined;
  error: unknown;
  abortSignal: AbortSignal | null | undefined;
}): void {
  try {
    if (!journal) return;
    const aborted =
      abortSignal?.aborted === true || (error as { name?: unknown } | null)?.name === 'AbortError';
    if (!aborted || isRefusedByProvider(error)) {
      journal.abandon();
      call.settle(undefined);
      return;
    }
    const event = journal.finish({ reason: 'aborted' });
    journal.complete(event);
    call.settle(event);
  } catch (meteringError) {
    call.onError(meteringError);
  }
}

/**
 * The caller's stream: every part passes through unchanged (raw ones only if it asked). Upstream
 * is read to its end whatever the caller does, so a caller that stops reading, cancels or whose
 * abort signal fires is answered at once (its side closes) while the rest is read for
 * `abortGraceMs`; then upstream is cancelled and aborted (`upstream`). A provider streams at
 * generation speed, so parts the caller has not read yet wait in memory, at most one answer.
 */
function createMeteredStream<Part extends StreamPartLike>({
  source,
  journal,
  call,
  abortSignal,
  upstream,
  hideRawChunks,
  abortGraceMs,
}: {
  source: ReadableStream<Part>;
  journal: StreamJournal<unknown>;
  call: PreparedMeterCall;
  abortSignal: AbortSignal | null | undefined;
  upstream: AbortController | undefined;
  hideRawChunks: boolean;
  abortGraceMs: number;
}): ReadableStream<Part> {
  const reader = source.getReader();
  const raw = call.adapter !== undefined;
  let rawChunks = 0;
  let ended = false;
  let callerLeft = false;
  let stopped = false;
  let sawFinish = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  // The SDK's own view, kept in case the provider sent no raw chunk at all.
  let finishUsage: NormalizedUsageLike | undefined;
  let responseId: string | undefined;
  let model: string | undefined;
  let time: Date | undefined;

  const meterPart = (part: Part) => {
    try {
      if (part.type === 'raw') {
        if (!raw) return;
        rawChunks += 1;
        journal.push(part.rawValue);
        return;
      }
      if (part.type === 'response-metadata') {
        responseId = part.id ?? responseId;
        model = part.modelId ?? model;
        time = part.timestamp ?? time;
      } else if (part.type === 'finish') {
        sawFinish = true;
        finishUsage = part.usage;
      }
      if (!raw) journal.push(part);
    } catch (error) {
      call.onError(error);
    }
  };

  const end = (reason: StreamEndReason) => {
    if (ended) return;
    ended = true;
    clearTimeout(graceTimer);
    abortSignal?.removeEventListener('abort', onCallerAbort);
    try {
      let event: UsageEvent = journal.finish({ reason });
      if (raw && rawChunks === 0) {
        event =
          createNormalizedUsageEvent({
            usage: finishUsage,
            responseId,
            time,
            model,
            requestedModel: call.model.modelId,
            provider: call.model.provider,
            endpoint: 'chat.completions',
            options: { ...call.meterOptions, fallbackId: event.id },
          }) ?? event;
      }
      journal.complete(event);
      call.settle(event);
    } catch (error) {
      call.onError(error);
    }
  };

  const stopUpstream = (reason: unknown) => {
    if (stopped || ended) return;
    stopped = true;
    reader.cancel(reason).catch(() => undefined);
    upstream?.abort(reason);
  };

  // The caller's side, closed the moment the caller leaves (errored with its abort reason when
  // its signal fires, as the provider's own stream would be), while the read goes on behind it.
  let callerSide: ReadableStreamDefaultController<Part> | undefined;
  let callerClosed = false;
  const closeCallerSide = (close: (controller: ReadableStreamDefaultController<Part>) => void) => {
    if (callerClosed || !callerSide) return;
    callerClosed = true;
    try {
      close(callerSide);
    } catch {}
  };

  /** The caller left: read on for the grace, so usage on its way is billed exactly. */
  const leave = (reason: unknown) => {
    if (callerLeft || ended) return;
    callerLeft = true;
    if (abortGraceMs === 0) {
      stopUpstream(reason);
      return;
    }
    graceTimer = setTimeout(() => stopUpstream(reason), abortGraceMs);
    graceTimer.unref?.();
  };

  function onCallerAbort() {
    closeCallerSide((controller) => controller.error(abortSignal?.reason));
    leave(abortSignal?.reason);
  }

  const pump = async () => {
    for (;;) {
      let next: ReadableStreamReadResult<Part>;
      try {
        next = await reader.read();
      } catch (error) {
        end(callerLeft || abortSignal?.aborted ? 'aborted' : 'error');
        closeCallerSide((controller) => controller.error(error));
        return;
      }
      if (next.done) {
        // Stopped after the grace without the end of the answer: the caller's abort.
        end(stopped && !sawFinish ? 'aborted' : 'completed');
        closeCallerSide((controller) => controller.close());
        return;
      }
      const part = next.value;
      meterPart(part);
      if (callerClosed || (part.type === 'raw' && hideRawChunks)) continue;
      try {
        (callerSide as ReadableStreamDefaultController<Part>).enqueue(part);
      } catch {}
    }
  };

  const stream = new ReadableStream<Part>({
    start(controller) {
      callerSide = controller;
    },
    cancel(reason) {
      // Answer the caller at once; the read goes on in the background for the grace.
      callerClosed = true;
      leave(reason);
    },
  });
  if (abortSignal?.aborted) onCallerAbort();
  else abortSignal?.addEventListener('abort', onCallerAbort, { once: true });
  void pump();
  return stream;
}
