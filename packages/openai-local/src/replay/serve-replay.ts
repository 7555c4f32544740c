import { isRecord } from '../providers/openai/request-fields.js';
import type { RequestContext } from '../server/request-context.js';
import type { ReplayRecord } from './create-replay-store.js';

// Responses report usage only on their terminal event.
const terminalResponsesEvents = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

// What the no-usage fault leaves out: the chat/completions usage chunk (`choices: []`), or the
// terminal Responses event.
function isUsageEvent({ event, type }: { event: unknown; type: string | undefined }): boolean {
  if (type !== undefined) return terminalResponsesEvents.has(type);
  return (
    isRecord(event) &&
    Array.isArray(event.choices) &&
    event.choices.length === 0 &&
    isRecord(event.usage)
  );
}

/**
 * Sends a recorded exchange: the recorded body for a blocking request, or the recorded SSE
 * payloads in order for a stream (faults and pacing apply). Chat and completions streams end
 * with `data: [DONE]`; Responses streams carry `event:` lines and end on their last event, as
 * OpenAI sends them. The no-usage fault leaves out the chat usage chunk, or the terminal
 * Responses event (`response.completed`, `.incomplete`, `.failed`).
 */
export async function serveReplay({
  context,
  record,
}: {
  context: RequestContext;
  record: ReplayRecord;
}): Promise<void> {
  if (!record.stream) {
    context.sendJson({ body: record.response ?? null });
    return;
  }
  const stream = context.openEventStream();
  const isResponses = record.endpoint === 'responses';
  for (const event of record.sse_events ?? []) {
    const type =
      isResponses && isRecord(event) && typeof event.type === 'string' ? event.type : undefined;
    if (context.fault.omitUsage === true && isUsageEvent({ event, type })) continue;
    if (!(await stream.pace())) return;
    if (!(await stream.send({ data: event, event: type }))) return;
  }
  if (!isResponses && !(await stream.send({ data: '[DONE]' }))) return;
  await stream.end();
}
