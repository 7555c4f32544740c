import type { StreamMeterOptions } from '@llm-meter/meter-core';
import { createPendingCallEvent, type PendingCallEndpoint } from '@llm-meter/meter-core/push';
import type { UsageOutbox, UsageStreamHandle } from '@llm-meter/meter-outbox';

const pendingEndpoints = new Set<string>([
  'chat.completions',
  'responses',
  'embeddings',
  'messages',
  'generateContent',
]);

/**
 * Journals a call about to be sent as a pending record: the request body as it goes upstream
 * and the envelope, with no parse and no token count, one journal write (no sync). Call it
 * before the request is handed to the HTTP client: a process killed once the request has left
 * (undici writes it to a kept-alive socket inside the call) still bills it, as the outbox's next
 * start counts the prompt from the body (meter-core's `revivePendingCall`). Hand the returned
 * handle to `createStreamJournal` / `createCallJournal` as `pending`: their first record, the
 * prompt estimate, replaces it in place. Returns undefined for an endpoint with no prompt meter
 * (nothing is journaled) or when the outbox refuses the record (`onJournalError`).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function openPendingCall({
  outbox,
  endpoint,
  body,
  requestedModel,
  options,
  onJournalError,
}: {
  outbox: UsageOutbox;
  endpoint: string;
  /** The request body as sent (JSON text). */
  body: string;
  /** Gemini's model, from the URL. */
  requestedModel?: string | undefined;
  /** The envelope the call's meter gets; `fallbackId` is required (the record's id). */
  options: StreamMeterOptions & { fallbackId: string };
  onJournalError: (error: unknown) => void;
}): UsageStreamHandle | undefined {
  if (!pendingEndpoints.has(endpoint)) return undefined;
  try {
    return outbox.openStream(
      createPendingCallEvent({
        endpoint: endpoint as PendingCallEndpoint,
        body,
        requestedModel,
        options,
        time: (options.now ?? (() => new Date()))(),
      }),
    );
  } catch (error) {
    onJournalError(error);
    return undefined;
  }
}
