import type { AbortGraceSleep } from '../create-abort-grace.js';
import type { StreamJournal } from '../create-stream-journal.js';
import type { CallContext } from './call-context.js';
import type { OpenCall } from './end-call-journal.js';
import { meterSdkIterator } from './meter-sdk-iterator.js';

/** What the wrapper needs of the SDK's `Stream`: its iterator and its controller. */
export interface SdkStream<Chunk> extends AsyncIterable<Chunk> {
  controller?: AbortController | undefined;
}

type SdkStreamConstructor<Chunk> = new (
  iterator: () => AsyncIterator<Chunk>,
  controller: AbortController,
  client?: unknown,
) => SdkStream<Chunk>;

/**
 * Wraps the SDK's stream in a new stream of the same class whose chunks are journaled as they
 * are read (`meterSdkIterator`). When the caller leaves (`break`, `return`, an aborted `signal`,
 * `stream.controller.abort()`), its loop ends at once as the SDK's does, but upstream is still
 * read for the abort grace, so an answer that has finished is billed with its own usage;
 * upstream is aborted after the grace. The stream's one event (provider usage or an estimate)
 * replaces the journaled record when upstream ends.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function createMeteredSdkStream<Chunk>({
  stream,
  journal,
  call,
  context,
  callerSignal,
  isHidden,
  client,
  sleep,
}: {
  stream: SdkStream<Chunk>;
  journal: StreamJournal<Chunk>;
  call: OpenCall;
  context: CallContext;
  /** The signal the caller passed in its request options. */
  callerSignal: AbortSignal | null | undefined;
  isHidden: (chunk: Chunk) => boolean;
  client: unknown;
  sleep: AbortGraceSleep | undefined;
}): SdkStream<Chunk> {
  const { iterator, caller } = meterSdkIterator({
    source: stream[Symbol.asyncIterator](),
    upstream: stream.controller ?? new AbortController(),
    journal,
    call,
    context,
    callerSignal,
    isHidden,
    sleep,
  });
  const Stream = stream.constructor as SdkStreamConstructor<Chunk>;
  return new Stream(() => iterator, caller, client);
}
