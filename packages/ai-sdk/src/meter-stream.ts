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
 * The caller's stream: every part passes through unchanged (raw ones only if it asked). When
 * the caller leaves (cancels the stream, or its abort signal fires), the rest is read in the
 * background for `abortGraceMs`, then upstream is cancelled and aborted (`upstream`).
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
    reader.cancel(reason).catch(() => undefined);
    upstream?.abort(reason);
  };

  /** Reads on after the caller left, for the grace, so usage on its way is billed exactly. */
  const drainAfterCallerLeft = async (reason: unknown) => {
    if (callerLeft || ended) return;
    callerLeft = true;
    let completed = false;
    if (abortGraceMs > 0) {
      const timer = setTimeout(() => stopUpstream(reason), abortGraceMs);
      timer.unref?.();
      try {
        for (;;) {
          const next = await reader.read();
          if (next.done) break;
          meterPart(next.value);
          if (next.value.type === 'finish') completed = true;
        }
      } catch {}
      clearTimeout(timer);
    }
    if (!completed) stopUpstream(reason);
    end(completed ? 'completed' : 'aborted');
  };

  // The caller's side of the stream, errored with the abort reason the moment its signal
  // fires (as the provider's own stream would), while the grace read goes on behind it.
  let callerSide: ReadableStreamDefaultController<Part> | undefined;
  let callerClosed = false;
  const closeCallerSide = (close: (controller: ReadableStreamDefaultController<Part>) => void) => {
    if (callerClosed || !callerSide) return;
    callerClosed = true;
    try {
      close(callerSide);
    } catch {}
  };

  function onCallerAbort() {
    closeCallerSide((controller) => controller.error(abortSignal?.reason));
    void drainAfterCallerLeft(abortSignal?.reason);
  }
  const stream = new ReadableStream<Part>({
    start(controller) {
      callerSide = controller;
    },
    async pull(controller) {
      for (;;) {
        let next: ReadableStreamReadResult<Part>;
        try {
          next = await reader.read();
        } catch (error) {
          if (!callerLeft) end(abortSignal?.aborted ? 'aborted' : 'error');
          closeCallerSide(() => controller.error(error));
          return;
        }
        if (next.done) {
          // After the caller left, the grace read decides how the stream ended.
          if (!callerLeft) end('completed');
          closeCallerSide(() => controller.close());
          return;
        }
        const part = next.value;
        meterPart(part);
        if (callerClosed) return;
        if (part.type === 'raw' && hideRawChunks) continue;
        controller.enqueue(part);
        return;
      }
    },
    cancel(reason) {
      // Answer the caller at once; the grace read goes on in the background.
      callerClosed = true;
      void drainAfterCallerLeft(reason);
    },
  });
  if (abortSignal?.aborted) onCallerAbort();
  else abortSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return stream;
}
