import type { StreamMeterOptions, UsageEvent } from '@llm-meter/meter-core';
import type { PendingCallEndpoint } from '@llm-meter/meter-core/push';
import type { CallJournal } from '../create-call-journal.js';
import type { StreamJournal } from '../create-stream-journal.js';
import type { CallContext } from './call-context.js';
import type { BudgetFetch } from './create-budget-fetch.js';
import { createMeteredSdkStream, type SdkStream } from './create-metered-sdk-stream.js';
import { completeCallWithAnswer, endFailedCall, type OpenCall } from './end-call-journal.js';
import { type SdkRequestOptions, takeSubjectHeader } from './take-subject-header.js';

/** What the wrapper needs of a Stainless SDK's `APIPromise` (openai 6 and 7, Anthropic 0.x and 1.x). */
export interface SdkPromise<T> extends PromiseLike<T> {
  asResponse(): Promise<Response>;
  _thenUnwrap<U>(transform: (data: T, props: unknown) => U): SdkPromise<U>;
}

type Body = Record<string, unknown>;

/**
 * How one provider's call is metered, once its envelope is known: its journal (a stream journal
 * with the provider's meter and chunk reader, or a call journal with its prompt meter), the body
 * actually sent, the chunks kept from the caller, and the event of a blocking answer.
 */
export interface SdkCallPlan {
  streaming: boolean;
  /**
   * The endpoint whose prompt meter the outbox revives a pending record with: set, the call is
   * journaled as its body before it is sent (no count on the request path) unless a budget
   * needs its estimate; unset, its prompt estimate is counted and journaled before it is sent.
   */
  endpoint?: PendingCallEndpoint | undefined;
  journal: StreamJournal<unknown> | CallJournal;
  /** The body to send (the caller's, or a copy asking for what metering needs). */
  sentBody: Body;
  /** Chunks the wrapper asked for and the caller did not (kept from its loop). */
  isHidden?: ((chunk: unknown) => boolean) | undefined;
  /** The usage event of a blocking answer (throws when it cannot be read). */
  eventOf(data: unknown): UsageEvent;
}

/**
 * Meters one `create` call of a Stainless SDK (openai, Anthropic): journals it before it is
 * sent, so a crash before the answer still bills its prompt: as the body it is sent with (a
 * pending record, counted only after the answer, or by the outbox's next start after a crash),
 * or as its counted prompt estimate when a budget is set or the plan names no `endpoint`.
 * A stream's record is named by upstream's request id (`requestIdHeader`) when the headers
 * arrive and metered chunk by chunk; a blocking call's is replaced by the answer's event (or,
 * without one, by its estimate under the request id). A call upstream refused, or
 * that never connected, is dropped. Adds no await: the SDK's promise is returned with the
 * metering chained on it.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 * @see https://docs.anthropic.com/en/api/messages
 */
export function meterSdkCall({
  create,
  body,
  requestOptions,
  method,
  plan,
  requestIdHeader,
  context,
  budget,
  client,
}: {
  create: (body: unknown, options: unknown) => SdkPromise<unknown>;
  body: Body;
  requestOptions: SdkRequestOptions | undefined;
  /** The SDK method, for errors (`chat.completions.create`). */
  method: string;
  /** The provider's part, given the call's envelope (it may throw to refuse the call unsent). */
  plan: (input: {
    envelope: StreamMeterOptions;
    onJournalError: (error: unknown) => void;
  }) => SdkCallPlan;
  /** The response header naming the request upstream (`x-request-id`, Anthropic's `request-id`). */
  requestIdHeader: string;
  context: CallContext;
  budget: BudgetFetch | undefined;
  client: unknown;
}): SdkPromise<unknown> {
  const taken = takeSubjectHeader(requestOptions);
  const envelope = context.envelopeOf({ headerSubject: taken.subject, method });
  const onJournalError = (error: unknown) =>
    context.failed({ stage: 'the outbox refused a journal record', error });
  const { streaming, endpoint, journal, sentBody, isHidden, eventOf } = plan({
    envelope,
    onJournalError,
  });
  const hold = budget?.hold({ subject: envelope.subject, request: body });
  try {
    // Without a budget nothing before the answer needs the count: the body is journaled as
    // sent (one write, no parse), and the count waits for the answer (or the next start).
    if (endpoint === undefined || hold !== undefined) journal.start();
    else journal.startPending({ endpoint, body: JSON.stringify(sentBody), options: envelope });
  } catch (error) {
    context.failed({ stage: 'a call could not be journaled before it was sent', error });
  }
  const call: OpenCall = { journal, onEnd: (event) => hold?.settle(event) };

  // A stream's upstream is aborted by the wrapper (after the grace), not by the caller's signal.
  const callerSignal = taken.options?.signal;
  const upstream = streaming ? new AbortController() : undefined;
  const abortUpstream = () => upstream?.abort(callerSignal?.reason);
  if (upstream && callerSignal) {
    if (callerSignal.aborted) abortUpstream();
    else callerSignal.addEventListener('abort', abortUpstream, { once: true });
  }
  let sentOptions: SdkRequestOptions | undefined = upstream
    ? { ...taken.options, signal: upstream.signal }
    : taken.options;
  if (hold) sentOptions = hold.requestOptions(sentOptions);

  const promise = create(sentBody, sentOptions);
  // Upstream's name for a blocking call, applied only if the call ends without an answer to read.
  let requestId: string | undefined;
  promise.asResponse().then(
    (response) => {
      const id = response.headers.get(requestIdHeader) ?? undefined;
      // A stream's record is re-keyed at once: its first chunk may be long in coming. A blocking
      // call's answer follows its headers (upstream sends them when the answer is ready), and
      // names the event itself: re-keying its record would be one more journal write on every
      // call, for a crash in the time it takes to read the body (billed under the provisional
      // id then, still once).
      if (id && streaming) journal.setFallbackId({ fallbackId: id });
      else requestId = id;
    },
    (error: unknown) => {
      callerSignal?.removeEventListener('abort', abortUpstream);
      endFailedCall({ call, error, callerSignal, context });
    },
  );

  if (streaming) {
    return promise._thenUnwrap((stream) => {
      // From here the stream's own wrapper watches the caller's signal.
      callerSignal?.removeEventListener('abort', abortUpstream);
      return createMeteredSdkStream<unknown>({
        stream: stream as SdkStream<unknown>,
        journal: journal as StreamJournal<unknown>,
        call,
        context,
        callerSignal,
        isHidden: isHidden ?? (() => false),
        client,
        sleep: context.sleep,
      });
    });
  }
  return promise._thenUnwrap((data) => {
    completeCallWithAnswer({ call, answer: data, eventOf, method, context, requestId });
    return data;
  });
}
