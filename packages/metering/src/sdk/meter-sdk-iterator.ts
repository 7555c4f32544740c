import { type AbortGraceSleep, createAbortGrace } from '../create-abort-grace.js';
import type { StreamJournal } from '../create-stream-journal.js';
import type { CallContext } from './call-context.js';
import { completeCall, estimateCall, isAbortError, type OpenCall } from './end-call-journal.js';

const left = Symbol('caller left');

/**
 * The caller's side of a metered SDK stream: an iterator over `source` whose chunks are journaled
 * as they are read (and chunks the caller did not ask for, `isHidden`, kept from it). When the
 * caller leaves (`return()`, `caller.abort()`, an aborted `callerSignal`), its loop ends at once,
 * but `source` is still read for the abort grace, so an answer that has finished is billed with
 * its own usage; `upstream` is aborted after the grace. The stream's one event (provider usage or
 * an estimate) replaces the journaled record when `source` ends. `createMeteredSdkStream` puts it
 * in the SDK's own stream class; an SDK whose streams are async generators (`@google/genai`)
 * hands it to the caller as it is.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function meterSdkIterator<Chunk>({
  source,
  upstream,
  journal,
  call,
  context,
  callerSignal,
  isHidden,
  abortError,
  sleep,
}: {
  source: AsyncIterator<Chunk>;
  /** Aborts the request upstream (its signal is the one the request was sent with). */
  upstream: AbortController;
  journal: StreamJournal<Chunk>;
  call: OpenCall;
  context: CallContext;
  /** The signal the caller passed in its request options. */
  callerSignal: AbortSignal | null | undefined;
  isHidden: (chunk: Chunk) => boolean;
  /**
   * What the caller's loop throws once `callerSignal` aborted it, from the signal's reason, as the
   * SDK's own stream would (`@google/genai` throws the fetch's `AbortError`). Default: the loop
   * ends quietly, as Stainless SDKs' streams do.
   */
  abortError?: ((reason: unknown) => unknown) | undefined;
  sleep: AbortGraceSleep | undefined;
}): { iterator: AsyncIterableIterator<Chunk>; caller: AbortController } {
  // The caller's side: aborting it ends the caller's loop; upstream follows after the grace.
  const caller = new AbortController();
  const grace = createAbortGrace({
    callerSignal: caller.signal,
    graceMs: context.abortGraceMs,
    sleep,
  });
  grace.signal.addEventListener('abort', () => upstream.abort(), { once: true });
  const onCallerAbort = () => caller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) caller.abort(callerSignal.reason);
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const callerLeft = new Promise<typeof left>((resolve) => {
    if (caller.signal.aborted) resolve(left);
    else caller.signal.addEventListener('abort', () => resolve(left), { once: true });
  });

  let ended = false;
  let pending: Promise<IteratorResult<Chunk>> | undefined;

  const end = (result: { reason: 'completed' | 'aborted' | 'error' }) => {
    if (ended) return;
    ended = true;
    grace.release();
    callerSignal?.removeEventListener('abort', onCallerAbort);
    if (result.reason === 'completed') {
      let event: ReturnType<typeof journal.finish>;
      try {
        event = journal.finish({ reason: 'completed' });
      } catch (error) {
        context.failed({ stage: 'a stream could not be metered', error });
        call.onEnd(undefined);
        return;
      }
      completeCall({ call, event, context });
    } else estimateCall({ call, reason: result.reason, context });
  };

  const pull = (): Promise<IteratorResult<Chunk>> => {
    pending ??= source.next().then(
      (result) => {
        pending = undefined;
        // An SDK may end an aborted stream quietly: that end is an abort, not a completion.
        if (result.done) end({ reason: upstream.signal.aborted ? 'aborted' : 'completed' });
        else {
          // Upstream is still sending: after the caller left, the grace reads on.
          grace.progress();
          try {
            journal.push(result.value);
          } catch (error) {
            context.failed({ stage: 'a stream chunk could not be metered', error });
          }
        }
        return result;
      },
      (error: unknown) => {
        pending = undefined;
        end({ reason: upstream.signal.aborted || isAbortError(error) ? 'aborted' : 'error' });
        throw error;
      },
    );
    return pending;
  };

  // After the caller left: read on until upstream ends or the grace aborts it.
  const drain = async () => {
    try {
      while (!ended) await pull();
    } catch {
      // Ended (and metered) by `pull`.
    }
  };
  caller.signal.addEventListener('abort', () => void drain(), { once: true });
  if (caller.signal.aborted) void drain();

  const done = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });
  const leave = (): IteratorReturnResult<undefined> => {
    if (abortError && callerSignal?.aborted) throw abortError(callerSignal.reason);
    return done();
  };
  const iterator: AsyncIterableIterator<Chunk> = {
    async next() {
      for (;;) {
        if (caller.signal.aborted) return leave();
        if (ended) return done();
        const result = await Promise.race([pull(), callerLeft]);
        if (result === left) return leave();
        if (result.done) return done();
        if (!isHidden(result.value)) return result;
      }
    },
    async return() {
      caller.abort();
      return done();
    },
    async throw(error?: unknown) {
      caller.abort();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return { iterator, caller };
}
