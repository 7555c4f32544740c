import { isTextAsCounted } from '../../count/__fixtures__/read-recorded-exchanges.js';
import type { AccuracySummary } from '../../count/__fixtures__/summarize-errors.js';
import { summarizeErrors } from '../../count/__fixtures__/summarize-errors.js';
import {
  type OpenAIFixtureRecord,
  readOpenAIFixtures,
} from '../../events/__fixtures__/read-openai-fixtures.js';
import type { ChatCompletionLike } from '../../events/response-types.js';
import { toUsageEvent } from '../../events/to-usage-event.js';
import { type ChatCompletionChunkLike, ChatStreamMeter } from '../chat-stream-meter.js';
import { type ResponseStreamEventLike, ResponsesStreamMeter } from '../responses-stream-meter.js';

/** The output categories the accuracy gate checks. */
export const outputCategories = [
  'chat_stream_text',
  'chat_stream_tool_calls',
  'chat_response_tool_calls',
  'responses_stream_text',
  'responses_stream_function_calls',
] as const;

/** One category of output estimate. */
export type OutputCategory = (typeof outputCategories)[number];

/** One recorded response whose output was estimated with its usage taken away. */
export interface OutputOutcome {
  name: string;
  category: OutputCategory;
  model: string;
  /** Estimated − recorded output tokens. */
  error: number;
}

const terminalTypes = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const options = { subject: 'accuracy', fallbackId: 'accuracy', now: () => new Date(0) };

function numberAt(value: unknown, ...path: string[]): number {
  let current: unknown = value;
  for (const key of path) current = (current as Record<string, unknown> | null)?.[key];
  return typeof current === 'number' ? current : 0;
}

function measureChatStream(record: OpenAIFixtureRecord): OutputOutcome | undefined {
  const usage = record.usage;
  if (numberAt(usage, 'completion_tokens_details', 'reasoning_tokens') > 0) return undefined;
  const chunks = (record.sse_events ?? []) as ChatCompletionChunkLike[];
  const meter = new ChatStreamMeter({ request: record.request, options });
  let toolCalls = false;
  for (const chunk of chunks) {
    for (const choice of chunk.choices ?? []) {
      if ((choice.delta?.tool_calls?.length ?? 0) > 0 || choice.delta?.function_call) {
        toolCalls = true;
      }
    }
    meter.push({ ...chunk, usage: undefined });
  }
  const event = meter.finish({ reason: 'completed' });
  return {
    name: record.name,
    category: toolCalls ? 'chat_stream_tool_calls' : 'chat_stream_text',
    model: event.data.model,
    error: event.data.completion_tokens - numberAt(usage, 'completion_tokens'),
  };
}

function measureChatResponse(record: OpenAIFixtureRecord): OutputOutcome | undefined {
  const response = record.response as ChatCompletionLike | null | undefined;
  const usage = record.usage;
  if (!response || numberAt(usage, 'completion_tokens_details', 'reasoning_tokens') > 0) {
    return undefined;
  }
  const calls = (response.choices ?? []).some(
    (choice) => (choice.message?.tool_calls?.length ?? 0) > 0 || choice.message?.function_call,
  );
  if (!calls) return undefined;
  const event = toUsageEvent(
    { ...response, usage: undefined },
    { ...options, request: record.request },
  );
  return {
    name: record.name,
    category: 'chat_response_tool_calls',
    model: event.data.model,
    error: event.data.completion_tokens - numberAt(usage, 'completion_tokens'),
  };
}

function measureResponsesStream(record: OpenAIFixtureRecord): OutputOutcome | undefined {
  const events = (record.sse_events ?? []) as ResponseStreamEventLike[];
  const usage = record.usage;
  const terminal = events.find((event) => terminalTypes.has(event.type ?? ''));
  const output = (terminal?.response as { output?: Array<{ type?: string }> } | undefined)?.output;
  // Hidden reasoning cannot be estimated from a stream; those are measured apart.
  if (!output || numberAt(usage, 'output_tokens_details', 'reasoning_tokens') > 0) return undefined;
  const types = new Set(output.map((item) => item.type));
  const onlyText = [...types].every((type) => type === 'message');
  const functionCalls =
    types.has('function_call') &&
    [...types].every((type) => type === 'message' || type === 'function_call');
  if (!onlyText && !functionCalls) return undefined;
  const meter = new ResponsesStreamMeter({ request: record.request, options });
  for (const event of events) if (!terminalTypes.has(event.type ?? '')) meter.push(event);
  const event = meter.finish({ reason: 'completed' });
  return {
    name: record.name,
    category: onlyText ? 'responses_stream_text' : 'responses_stream_function_calls',
    model: event.data.model,
    error: event.data.completion_tokens - numberAt(usage, 'output_tokens'),
  };
}

/**
 * Estimates the output of every recorded response with usage (its usage taken away: the usage
 * chunk of chat streams, the terminal event of Responses streams, `usage` of chat completions
 * with tool calls) and compares with the recorded output tokens. Records whose text the
 * recorder may have normalized, hand-edited zero usage and responses with hidden reasoning are
 * left out.
 */
export function measureOutputOutcomes(): OutputOutcome[] {
  const outcomes: OutputOutcome[] = [];
  for (const record of readOpenAIFixtures()) {
    if (!isTextAsCounted(record) || numberAt(record.usage, 'total_tokens') === 0) continue;
    let outcome: OutputOutcome | undefined;
    if (record.endpoint === 'chat.completions') {
      outcome = record.stream ? measureChatStream(record) : measureChatResponse(record);
    } else if (record.endpoint === 'responses' && record.stream) {
      outcome = measureResponsesStream(record);
    }
    if (outcome) outcomes.push(outcome);
  }
  return outcomes;
}

/** Per-category accuracy of output estimates. */
export function measureOutputAccuracy(
  outcomes: readonly OutputOutcome[] = measureOutputOutcomes(),
): AccuracySummary[] {
  return outputCategories.map((category) =>
    summarizeErrors({
      category,
      errors: outcomes
        .filter((outcome) => outcome.category === category)
        .map((outcome) => outcome.error),
    }),
  );
}
