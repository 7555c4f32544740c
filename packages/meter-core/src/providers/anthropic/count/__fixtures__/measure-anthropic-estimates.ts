import {
  type AnthropicFixtureRecord,
  isTextAsCounted,
  readAnthropicFixtures,
} from '../../events/__fixtures__/read-anthropic-fixtures.js';
import type { AnthropicMessageLike } from '../../events/anthropic-message-types.js';
import { createAnthropicUsageEvent } from '../../events/create-anthropic-usage-event.js';
import {
  type AnthropicStreamEventLike,
  AnthropicStreamMeter,
} from '../../stream/anthropic-stream-meter.js';
import { estimateAnthropicPromptTokens } from '../estimate-anthropic-prompt-tokens.js';

/** The sources the calibration was fitted on; every other source is held out to validate it. */
export const fittedSources: ReadonlySet<string> = new Set([
  'Mirascope__mirascope.jsonl',
  'pydantic__pydantic-ai.jsonl',
]);

/** What is estimated: output text, output with tool calls, prompts without and with tools. */
export type EstimateCategory =
  | 'output_text'
  | 'output_tool_calls'
  | 'prompt_text'
  | 'prompt_tools'
  | 'count_tokens';

/** One recorded exchange estimated with Anthropic's numbers taken away. */
export interface EstimateOutcome {
  name: string;
  category: EstimateCategory;
  heldOut: boolean;
  estimated: number;
  recorded: number;
}

const options = { subject: 'accuracy', fallbackId: 'accuracy', now: () => new Date(0) };
const textBlocks = new Set(['text', 'tool_use']);
// Prompt parts the estimate does not count, and requests whose billed input it cannot see
// (server tools add search results, iterations add passes).
const unseenPromptCategories = new Set([
  'images',
  'documents',
  'pdf',
  'server_tools',
  'usage_iterations',
  'structured_output',
  'context_management',
  'anthropic_defined_client_tools',
]);

function answerBlocks(record: AnthropicFixtureRecord): Array<{ type?: unknown }> {
  if (!record.stream) return (record.response?.content as Array<{ type?: unknown }>) ?? [];
  return (record.sse_events ?? [])
    .filter((event) => event.type === 'content_block_start')
    .map((event) => event.content_block as { type?: unknown });
}

function measureOutput(record: AnthropicFixtureRecord): EstimateOutcome | undefined {
  const usage = record.usage;
  const blocks = answerBlocks(record);
  // Hidden or summarized thinking and server-side passes are not in the text: measured apart.
  if (
    usage.iterations ||
    (usage.output_tokens_details?.thinking_tokens ?? 0) > 0 ||
    blocks.length === 0 ||
    !blocks.every((block) => textBlocks.has(String(block.type))) ||
    !isTextAsCounted({ record, part: 'answer' })
  ) {
    return undefined;
  }
  let completion: number;
  if (record.stream) {
    const meter = new AnthropicStreamMeter({ request: record.request, options });
    for (const event of (record.sse_events ?? []) as AnthropicStreamEventLike[]) {
      if (event.type !== 'message_delta') meter.push(event);
    }
    const event = meter.finish({ reason: 'aborted' });
    completion = event.data.completion_tokens;
  } else {
    const message = { ...(record.response as AnthropicMessageLike), usage: undefined };
    completion = createAnthropicUsageEvent(message, { ...options, request: record.request }).data
      .completion_tokens;
  }
  return {
    name: record.name,
    category: blocks.some((block) => block.type === 'tool_use')
      ? 'output_tool_calls'
      : 'output_text',
    heldOut: !fittedSources.has(record.file),
    estimated: completion,
    recorded: usage.output_tokens ?? 0,
  };
}

function measurePrompt(record: AnthropicFixtureRecord): EstimateOutcome | undefined {
  if (
    record.categories.some((category) => unseenPromptCategories.has(category)) ||
    !isTextAsCounted({ record, part: 'request' })
  ) {
    return undefined;
  }
  const estimate = estimateAnthropicPromptTokens({ request: record.request });
  if (estimate.excludedParts > 0) return undefined;
  const usage = record.usage;
  const tools = Array.isArray(record.request.tools) && record.request.tools.length > 0;
  return {
    name: record.name,
    category:
      record.endpoint === 'messages.count_tokens'
        ? 'count_tokens'
        : tools
          ? 'prompt_tools'
          : 'prompt_text',
    heldOut: !fittedSources.has(record.file),
    estimated: estimate.tokens,
    recorded:
      (usage.input_tokens ?? 0) +
      (usage.cache_creation_input_tokens ?? 0) +
      (usage.cache_read_input_tokens ?? 0),
  };
}

/**
 * Estimates every recorded exchange the calibrated model can see whole (its usage taken away:
 * `message_delta` of streams, `usage` of blocking answers; prompts from the request) and pairs
 * each estimate with Anthropic's number.
 */
export function measureAnthropicEstimates(): EstimateOutcome[] {
  const outcomes: EstimateOutcome[] = [];
  for (const record of readAnthropicFixtures()) {
    const prompt = measurePrompt(record);
    if (prompt) outcomes.push(prompt);
    const output = record.endpoint === 'messages' ? measureOutput(record) : undefined;
    if (output) outcomes.push(output);
  }
  return outcomes;
}

/** The error distribution of one category's estimates, relative to Anthropic's numbers. */
export interface EstimateErrorSummary {
  category: EstimateCategory;
  heldOut: boolean;
  count: number;
  /** Median of |estimate − recorded| / recorded, percent. */
  medianAbsolutePercent: number;
  /** 90th percentile of the same, percent. */
  p90AbsolutePercent: number;
  /** Share of estimates within ±10 % of the recorded number, percent. */
  withinTenPercent: number;
  /** Mean of (estimate − recorded) / recorded, percent: above 0 over-estimates. */
  meanSignedPercent: number;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Summarizes outcomes per category and split (fitted sources, held-out sources). */
export function summarizeAnthropicEstimates(
  outcomes: readonly EstimateOutcome[],
): EstimateErrorSummary[] {
  const summaries: EstimateErrorSummary[] = [];
  const categories: EstimateCategory[] = [
    'output_text',
    'output_tool_calls',
    'prompt_text',
    'prompt_tools',
    'count_tokens',
  ];
  for (const category of categories) {
    for (const heldOut of [false, true]) {
      const errors = outcomes
        .filter((outcome) => outcome.category === category && outcome.heldOut === heldOut)
        .filter((outcome) => outcome.recorded > 0)
        .map((outcome) => (outcome.estimated - outcome.recorded) / outcome.recorded);
      if (errors.length === 0) continue;
      const absolute = errors.map(Math.abs).sort((left, right) => left - right);
      const at = (share: number) =>
        absolute[Math.min(absolute.length - 1, Math.floor(share * absolute.length))] ?? 0;
      summaries.push({
        category,
        heldOut,
        count: errors.length,
        medianAbsolutePercent: round(100 * at(0.5)),
        p90AbsolutePercent: round(100 * at(0.9)),
        withinTenPercent: round(
          (100 * absolute.filter((error) => error <= 0.1).length) / absolute.length,
        ),
        meanSignedPercent: round(
          (100 * errors.reduce((sum, error) => sum + error, 0)) / errors.length,
        ),
      });
    }
  }
  return summaries;
}
