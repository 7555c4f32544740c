import type { ResponsesPromptRequest } from '@llm-meter/meter-core';
import { type ResponseStreamEventLike, ResponsesStreamMeter } from '@llm-meter/meter-core/push';
import type { StreamChunkReader } from './create-stream-journal.js';
import { meterJournaledStream } from './meter-journaled-stream.js';
import type { MeterStreamIntoOutboxOptions } from './meter-stream-into-outbox-options.js';

// The event types that name the response, and the deltas of text billed as output (as the
// Responses meter of meter-core reads them).
const namingTypes = new Set([
  'response.created',
  'response.in_progress',
  'response.queued',
  'response.completed',
  'response.incomplete',
  'response.failed',
]);
const terminalTypes = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const billedDeltaTypes = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.code_interpreter_call_code.delta',
  'response.mcp_call_arguments.delta',
]);

/**
 * Reads Responses stream events for {@link createStreamJournal}: the response id of the events
 * that carry the response, the text of the billed deltas, and the terminal events' usage.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export const responsesEventReader: StreamChunkReader<ResponseStreamEventLike> = {
  streamIdOf(event) {
    if (typeof event?.type !== 'string' || !namingTypes.has(event.type)) return undefined;
    const id = event.response?.id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  },
  generatedTextOf(event) {
    if (typeof event?.type !== 'string') return '';
    if (billedDeltaTypes.has(event.type) && typeof event.delta === 'string') return event.delta;
    if (event.type === 'response.output_item.added' && typeof event.item?.name === 'string') {
      return event.item.name;
    }
    return '';
  },
  carriesUsage: (event) =>
    typeof event?.type === 'string' &&
    terminalTypes.has(event.type) &&
    typeof event.response?.usage === 'object' &&
    event.response.usage !== null,
};

/**
 * Meters a Responses API stream into the outbox, crash-safe, as
 * {@link meterChatStreamIntoOutbox} does for chat: the prompt estimate is journaled before the
 * first event, re-keyed to the response id when `response.created` names it, and brought up to
 * date on every event; the one final event (usage of `response.completed`/`incomplete`/`failed`,
 * or an estimate) replaces it. A process killed mid-stream is billed from the last snapshot as a
 * `crashed` estimate on the outbox's next start.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function meterResponsesStreamIntoOutbox<Event extends ResponseStreamEventLike>(
  input: MeterStreamIntoOutboxOptions<Event> & { request: ResponsesPromptRequest },
): AsyncIterableIterator<Event> {
  const { request } = input;
  return meterJournaledStream<Event>({
    input,
    createMeter: (options) => new ResponsesStreamMeter({ request, options }),
    reader: responsesEventReader,
  });
}
