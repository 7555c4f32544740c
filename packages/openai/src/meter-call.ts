import { type ChatPromptRequest, toUsageEvent, type UsageEndpoint } from '@llm-meter/meter-core';
import { requireChatMessages } from '@llm-meter/meter-core/internal';
import { ChatStreamMeter, ResponsesStreamMeter } from '@llm-meter/meter-core/push';
import {
  chatChunkReader,
  createCallJournal,
  createStreamJournal,
  responsesEventReader,
  type StreamChunkReader,
  type StreamJournal,
} from '@llm-meter/metering';
import type { CallContext } from './call-context.js';
import type { BudgetFetch } from './create-budget-fetch.js';
import { createMeteredSdkStream, type SdkStream } from './create-metered-sdk-stream.js';
import {
  abandonCall,
  completeCall,
  estimateCall,
  isAbortError,
  isUnbilledFailure,
  type OpenCall,
} from './end-call-journal.js';
import { type SdkRequestOptions, takeSubjectHeader } from './take-subject-header.js';

/** What the wrapper needs of the SDK's `APIPromise` (the same in openai 6 and 7). */
export interface SdkPromise<T> extends PromiseLike<T> {
  asResponse(): Promise<Response>;
  _thenUnwrap<U>(transform: (data: T, props: unknown) => U): SdkPromise<U>;
}

type Body = Record<string, unknown>;

/**
 * Meters one `create` call of the SDK: journals it before it is sent (the prompt estimate, so a
 * crash before the answer still bills it), names the record by upstream's `x-request-id` when
 * the headers arrive, and replaces it with the answer's event (blocking) or meters the stream
 * chunk by chunk. A call upstream refused, or that never connected, is dropped. Adds no await:
 * the SDK's promise is returned with the metering chained on it.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function meterCall({
  create,
  body,
  requestOptions,
  endpoint,
  context,
  budget,
  client,
}: {
  create: (body: unknown, options: unknown) => SdkPromise<unknown>;
  body: Body;
  requestOptions: SdkRequestOptions | undefined;
  endpoint: UsageEndpoint;
  context: CallContext;
  budget: BudgetFetch | undefined;
  client: unknown;
}): SdkPromise<unknown> {
  const taken = takeSubjectHeader(requestOptions);
  const envelope = context.envelopeOf({ headerSubject: taken.subject, endpoint });
  const streaming = body?.stream === true && endpoint !== 'embeddings';
  if (streaming && endpoint === 'chat.completions') {
    // A legacy completions body could only be estimated as zero: refuse it before it is sent.
    requireChatMessages({ request: body as unknown as ChatPromptRequest, caller: 'meterOpenAI' });
  }
  const hold = budget?.hold({ subject: envelope.subject, request: body });
  const onJournalError = (error: unknown) =>
    context.failed({ stage: 'the outbox refused a journal record', error });

  let journal: StreamJournal<unknown> | ReturnType<typeof createCallJournal>;
  if (streaming) {
    const chat = endpoint === 'chat.completions';
    journal = createStreamJournal<unknown>({
      meter: chat
        ? new ChatStreamMeter({ request: body as unknown as ChatPromptRequest, options: envelope })
        : new ResponsesStreamMeter({ request: body, options: envelope }),
      reader: (chat ? chatChunkReader : responsesEventReader) as StreamChunkReader<unknown>,
      outbox: context.outbox,
      encoding: envelope.encoding,
      fallbackId: envelope.fallbackId,
      onJournalError,
    });
  } else {
    journal = createCallJournal({
      endpoint,
      request: body,
      outbox: context.outbox,
      options: envelope,
      onJournalError,
    });
  }
  try {
    journal.start();
  } catch (error) {
    context.failed({ stage: 'a call could not be journaled before it was sent', error });
  }
  const call: OpenCall = { journal, onEnd: (event) => hold?.settle(event) };

  // The caller's usage chunk is asked for when it did not ask, and kept from it.
  const askedUsage =
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const addUsage = streaming && endpoint === 'chat.completions' && !askedUsage;
  const sentBody = addUsage
    ? { ...body, stream_options: { ...(body.stream_options as object), include_usage: true } }
    : body;

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
  promise.asResponse().then(
    (response) => {
      const requestId = response.headers.get('x-request-id');
      if (requestId) journal.setFallbackId({ fallbackId: requestId });
    },
    (error: unknown) => {
      callerSignal?.removeEventListener('abort', abortUpstream);
      if (isUnbilledFailure(error)) abandonCall({ call, context });
      else
        estimateCall({
          call,
          reason: callerSignal?.aborted || isAbortError(error) ? 'aborted' : 'error',
          context,
        });
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
        isHidden: addUsage ? isUsageOnlyChunk : () => false,
        client,
        sleep: context.sleep,
      });
    });
  }
  return promise._thenUnwrap((data) => {
    let event: ReturnType<typeof toUsageEvent>;
    try {
      event = toUsageEvent(data as Parameters<typeof toUsageEvent>[0], {
        ...envelope,
        request: body,
      });
    } catch (error) {
      context.failed({ stage: `a ${endpoint} response could not be metered`, error });
      // Upstream answered, so it billed: what it answered cannot be read, the prompt can.
      estimateCall({ call, reason: 'error', context });
      return data;
    }
    completeCall({ call, event, context });
    return data;
  });
}

/** The chunk `include_usage` adds at the end of a chat stream: no choices, only usage. */
function isUsageOnlyChunk(chunk: unknown): boolean {
  const { choices, usage } = (chunk ?? {}) as { choices?: unknown; usage?: unknown };
  return (
    Array.isArray(choices) && choices.length === 0 && typeof usage === 'object' && usage !== null
  );
}
