import type { StreamJournal } from '@llm-meter/metering';
import {
  type BudgetBooking,
  completeCallWithAnswer,
  endFailedCall,
  meterSdkIterator,
  type OpenCall,
  type SdkMetering,
} from '@llm-meter/metering/sdk';
import { createGenAIBudgetError } from './create-genai-budget-error.js';
import { planGenAICall } from './plan-genai-call.js';
import { type GenAIParams, takeGenAISubject } from './take-genai-subject.js';

/** One request method of `@google/genai`'s `Models` (`generateContentInternal`, ...). */
export type GenAIRequest = (params: GenAIParams) => Promise<unknown>;

/**
 * Meters one request of `@google/genai` (one HTTP call): who pays (the call's subject header,
 * the `withSubject` scope, the default), the budget booking when `options.budget` is set (the one
 * await metering adds: a refusal throws the SDK's own `ApiError`), the journal before it is sent,
 * and its one event: the answer's (blocking), or the stream metered chunk by chunk, read on for
 * the abort grace after its caller left. A call upstream refused (an `ApiError`) or that never
 * connected is dropped; one that failed otherwise is estimated.
 * @see https://ai.google.dev/api/generate-content
 */
export async function meterGenAICall({
  request,
  params,
  streaming,
  method,
  metering,
}: {
  /** The SDK's own request method, bound to its `Models`. */
  request: GenAIRequest;
  params: GenAIParams;
  streaming: boolean;
  /** The public SDK method, for errors (`models.generateContent`). */
  method: string;
  metering: SdkMetering;
}): Promise<unknown> {
  const callerSignal = params?.config?.abortSignal;
  // An aborted call is never sent: nothing to bill, and the SDK throws its own AbortError.
  if (callerSignal?.aborted) return request(params);
  const { context, bookBudget } = metering;
  const taken = takeGenAISubject(params);
  const envelope = context.envelopeOf({ headerSubject: taken.subject, method });
  let booking: BudgetBooking | undefined;
  if (bookBudget && context.budget) {
    const outcome = await bookBudget({ subject: envelope.subject, request: taken.params });
    if ('refusal' in outcome) {
      throw createGenAIBudgetError({ refusal: outcome.refusal, feature: context.budget.feature });
    }
    booking = outcome.booking;
  }
  const onJournalError = (error: unknown) =>
    context.failed({ stage: 'the outbox refused a journal record', error });
  const { journal, eventOf } = planGenAICall({
    params: taken.params,
    streaming,
    envelope,
    outbox: context.outbox,
    onJournalError,
  });
  try {
    journal.start();
  } catch (error) {
    context.failed({ stage: 'a call could not be journaled before it was sent', error });
  }
  const call: OpenCall = { journal, onEnd: (event) => booking?.settle(event) };
  const failed = (error: unknown): never => {
    endFailedCall({ call, error, callerSignal, context });
    throw error;
  };

  if (!streaming) {
    return request(taken.params).then((answer) => {
      completeCallWithAnswer({ call, answer, eventOf, method, context });
      return answer;
    }, failed);
  }

  // The stream's upstream is aborted by the wrapper (after the grace), not by the caller's signal.
  const upstream = new AbortController();
  const abortUpstream = () => upstream.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', abortUpstream, { once: true });
  const sent = {
    ...taken.params,
    config: { ...taken.params.config, abortSignal: upstream.signal },
  };
  return request(sent).then(
    (stream) => {
      // From here the metered iterator watches the caller's signal.
      callerSignal?.removeEventListener('abort', abortUpstream);
      return meterSdkIterator<unknown>({
        source: (stream as AsyncIterable<unknown>)[Symbol.asyncIterator](),
        upstream,
        journal: journal as StreamJournal<unknown>,
        call,
        context,
        callerSignal,
        isHidden: () => false,
        // As without the wrapper: the caller's loop throws what its aborted fetch would.
        abortError: (reason) => reason,
        sleep: context.sleep,
      }).iterator;
    },
    (error: unknown) => {
      callerSignal?.removeEventListener('abort', abortUpstream);
      return failed(error);
    },
  );
}
