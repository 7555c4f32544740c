import type { StreamEndReason, UsageEvent } from '@llm-meter/meter-core';
import type { CallJournal } from '../create-call-journal.js';
import { isConnectFailure } from '../is-connect-failure.js';
import type { CallContext } from './call-context.js';

/** A call's journal, and what happens once its one event is known (budget settlement). */
export interface OpenCall {
  journal: Pick<CallJournal, 'finish' | 'complete' | 'abandon' | 'setFallbackId'>;
  /** Runs once, with the call's event or `undefined` (nothing billed). */
  onEnd(event: UsageEvent | undefined): void;
}

/**
 * Whether a failed call billed nothing: upstream answered with an error status (it bills no
 * tokens for a refused request), or the connection was never made.
 */
export function isUnbilledFailure(error: unknown): boolean {
  if (typeof (error as { status?: unknown } | undefined)?.status === 'number') return true;
  return isConnectFailure(error);
}

/** Whether an error is the end of a call its caller aborted. */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'AbortError' || error.name === 'APIUserAbortError')
  );
}

/** Replaces the journaled record with the call's event, counts it, and ends the call. */
export function completeCall({
  call,
  event,
  context,
}: {
  call: OpenCall;
  event: UsageEvent;
  context: CallContext;
}): void {
  try {
    call.journal.complete(event);
    context.counted(event);
  } catch (error) {
    context.failed({ stage: `usage event ${event.id} could not be journaled`, error });
  }
  call.onEnd(event);
}

/** Ends a call without an answer to read: its estimate (prompt, plus what was streamed). */
export function estimateCall({
  call,
  reason,
  context,
}: {
  call: OpenCall;
  reason: StreamEndReason;
  context: CallContext;
}): void {
  let event: UsageEvent;
  try {
    event = call.journal.finish({ reason });
  } catch (error) {
    context.failed({ stage: 'a call could not be estimated', error });
    call.onEnd(undefined);
    return;
  }
  completeCall({ call, event, context });
}

/** Ends a call upstream refused or never received: its journaled record is dropped. */
export function abandonCall({ call, context }: { call: OpenCall; context: CallContext }): void {
  try {
    call.journal.abandon();
  } catch (error) {
    context.failed({ stage: 'a journaled call could not be dropped', error });
  }
  call.onEnd(undefined);
}

/**
 * Ends a blocking call with its answer: the event `eventOf` reads from it, or, when the answer
 * cannot be read, the prompt estimate (upstream answered, so it billed). Never throws.
 */
export function completeCallWithAnswer<Answer>({
  call,
  answer,
  eventOf,
  method,
  context,
  requestId,
}: {
  call: OpenCall;
  answer: Answer;
  eventOf: (answer: Answer) => UsageEvent;
  /** The SDK method, for the failure report (`messages.create`). */
  method: string;
  context: CallContext;
  /** Upstream's name for the call (its request id header), the estimate's id when the answer cannot be read. */
  requestId?: string | undefined;
}): void {
  let event: UsageEvent;
  try {
    event = eventOf(answer);
  } catch (error) {
    context.failed({ stage: `a ${method} answer could not be metered`, error });
    // Upstream answered, so it billed: what it answered cannot be read, the prompt can.
    if (requestId) call.journal.setFallbackId({ fallbackId: requestId });
    estimateCall({ call, reason: 'error', context });
    return;
  }
  completeCall({ call, event, context });
}

/**
 * Ends a call that failed before its answer (or stream) reached the caller: dropped when it
 * billed nothing (`isUnbilledFailure`), else estimated, as `aborted` when its caller aborted it.
 */
export function endFailedCall({
  call,
  error,
  callerSignal,
  context,
}: {
  call: OpenCall;
  error: unknown;
  /** The signal the caller sent the call with. */
  callerSignal: AbortSignal | null | undefined;
  context: CallContext;
}): void {
  if (isUnbilledFailure(error)) abandonCall({ call, context });
  else
    estimateCall({
      call,
      reason: callerSignal?.aborted || isAbortError(error) ? 'aborted' : 'error',
      context,
    });
}
