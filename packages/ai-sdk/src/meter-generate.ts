import type { UsageEvent } from '@llm-meter/meter-core';
import { type CallJournal, createCallJournal } from '@llm-meter/metering';
import type { GenerateResultLike } from './ai-sdk-types.js';
import { createNormalizedUsageEvent } from './normalized/create-normalized-usage-event.js';
import {
  isRefusedByProvider,
  type PreparedMeterCall,
  readRequestBody,
} from './prepare-meter-call.js';

/**
 * Meters one blocking call (`doGenerate`): its prompt estimate is journaled before it is sent,
 * so a process killed while the provider thinks still bills it; the answer's event (the
 * provider's raw body through meter-core's mapping, else the SDK's normalized usage, flagged)
 * replaces the estimate under the provider's response id. A call the provider refused bills
 * nothing; one the caller aborted bills its prompt estimate (`aborted`). Metering never throws
 * into the call.
 * @see https://ai-sdk.dev/docs/ai-sdk-core/middleware
 */
export async function meterGenerate<Result extends GenerateResultLike>({
  call,
  doGenerate,
  abortSignal,
  outbox,
}: {
  call: PreparedMeterCall;
  doGenerate: () => PromiseLike<Result>;
  abortSignal: AbortSignal | null | undefined;
  outbox: Parameters<typeof createCallJournal>[0]['outbox'];
}): Promise<Result> {
  let journal: CallJournal | undefined;
  try {
    journal = createCallJournal({
      promptMeter: () => call.createMeter(call.request) as never,
      request: call.request,
      outbox,
      options: call.meterOptions,
      onJournalError: call.onError,
    });
    journal.start();
  } catch (error) {
    call.onError(error);
  }
  let result: Result;
  try {
    result = await doGenerate();
  } catch (error) {
    endFailedCall({ call, journal, error, abortSignal });
    throw error;
  }
  try {
    const event = createGenerateEvent({ call, result });
    if (journal) journal.complete(event);
    else outbox.enqueue(event);
    call.settle(event);
  } catch (error) {
    call.onError(error);
  }
  return result;
}

function endFailedCall({
  call,
  journal,
  error,
  abortSignal,
}: {
  call: PreparedMeterCall;
  journal: CallJournal | undefined;
  error: unknown;
  abortSignal: AbortSignal | null | undefined;
}): void {
  try {
    const aborted =
      abortSignal?.aborted === true || (error as { name?: unknown } | null)?.name === 'AbortError';
    const answered = typeof (error as { statusCode?: unknown } | null)?.statusCode === 'number';
    if (!journal || isRefusedByProvider(error) || (!aborted && !answered)) {
      // Refused, or never reached the provider: nothing was billed.
      journal?.abandon();
      call.settle(undefined);
      return;
    }
    // Aborted in flight (or an answer that could not be read): the provider billed the prompt.
    const event = journal.finish({ reason: aborted ? 'aborted' : 'error' });
    journal.complete(event);
    call.settle(event);
  } catch (meteringError) {
    call.onError(meteringError);
  }
}

/** The answer's event: exact from the provider's body, else normalized, else estimated. */
function createGenerateEvent({
  call,
  result,
}: {
  call: PreparedMeterCall;
  result: GenerateResultLike;
}): UsageEvent {
  const requestId = readRequestId({ call, headers: result.response?.headers });
  const options =
    requestId === undefined ? call.meterOptions : { ...call.meterOptions, fallbackId: requestId };
  const request = readRequestBody({ body: result.request?.body, fallback: call.request });
  const body = result.response?.body;
  if (call.adapter && typeof body === 'object' && body !== null) {
    try {
      return call.adapter.eventOf({ body, request, modelId: call.model.modelId, options });
    } catch (error) {
      // The provider's body did not map (a changed shape): fall back to the SDK's numbers.
      call.onError(error);
    }
  }
  const normalized = createNormalizedUsageEvent({
    usage: result.usage,
    responseId: result.response?.id ?? undefined,
    time: result.response?.timestamp ?? undefined,
    model: result.response?.modelId ?? undefined,
    requestedModel: call.model.modelId,
    provider: call.model.provider,
    endpoint: 'chat.completions',
    options,
  });
  if (normalized !== undefined) return normalized;
  // No usage at all: the prompt estimate of the request that was sent (never a silent zero).
  const meter = call.createMeter(request);
  return meter.finish({ reason: 'completed' });
}

/** Upstream's request id from the answer's headers, when the provider sends one. */
export function readRequestId({
  call,
  headers,
}: {
  call: PreparedMeterCall;
  headers: Record<string, string | undefined> | null | undefined;
}): string | undefined {
  const name = call.adapter?.requestIdHeader ?? 'x-request-id';
  const value = headers?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
