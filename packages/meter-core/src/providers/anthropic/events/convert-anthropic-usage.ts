import { parseTokenCount } from '../../../events/parse-token-count.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { checkUsageRecord } from '../../../usage/check-usage-record.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import type { AnthropicUsage, AnthropicUsageIteration } from './anthropic-message-types.js';

/** The input side and output of one usage object or iteration, each field read once. */
interface Counts {
  input: number;
  output: number;
  cacheRead: number | undefined;
  cacheWrite: number | undefined;
  cacheWrite5m: number | undefined;
  cacheWrite1h: number | undefined;
}

function readCounts(usage: AnthropicUsage | AnthropicUsageIteration, path: string): Counts {
  const count = (value: unknown, field: string) =>
    parseTokenCount({ value, field: `${path}.${field}`, optional: true });
  const creation = usage.cache_creation;
  if (creation !== undefined && creation !== null && typeof creation !== 'object') {
    throw new UsageEventError({ field: `${path}.cache_creation`, message: 'must be an object' });
  }
  return {
    input: parseTokenCount({ value: usage.input_tokens, field: `${path}.input_tokens` }) ?? 0,
    output: parseTokenCount({ value: usage.output_tokens, field: `${path}.output_tokens` }) ?? 0,
    cacheRead: count(usage.cache_read_input_tokens, 'cache_read_input_tokens'),
    cacheWrite: count(usage.cache_creation_input_tokens, 'cache_creation_input_tokens'),
    cacheWrite5m: count(
      creation?.ephemeral_5m_input_tokens,
      'cache_creation.ephemeral_5m_input_tokens',
    ),
    cacheWrite1h: count(
      creation?.ephemeral_1h_input_tokens,
      'cache_creation.ephemeral_1h_input_tokens',
    ),
  };
}

// Adds optional counts: undefined only when no source reported the field.
function add(left: number | undefined, right: number | undefined): number | undefined {
  return left === undefined ? right : right === undefined ? left : left + right;
}

function readIterations(usage: AnthropicUsage): AnthropicUsageIteration[] {
  const iterations = usage.iterations;
  if (iterations === undefined || iterations === null) return [];
  if (!Array.isArray(iterations)) {
    throw new UsageEventError({ field: 'usage.iterations', message: 'must be an array' });
  }
  iterations.forEach((iteration, index) => {
    if (typeof iteration !== 'object' || iteration === null) {
      throw new UsageEventError({
        field: `usage.iterations[${index}]`,
        message: 'must be an object',
      });
    }
  });
  return iterations;
}

/** Whether an iteration is billed on top of the top-level counts (compaction, advisor). */
function isExtraIteration(iteration: AnthropicUsageIteration): boolean {
  // The top-level counts are the sum of the `message` passes; every other pass is on top.
  return iteration.type !== 'message';
}

/**
 * The model of the advisor passes of a response (`usage.iterations` of type `advisor_message`),
 * when they name one and the same; undefined otherwise (none, or several models).
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export function readAdvisorModel(usage: AnthropicUsage | null | undefined): string | undefined {
  const models = new Set<unknown>();
  for (const iteration of Array.isArray(usage?.iterations) ? usage.iterations : []) {
    if (iteration?.type === 'advisor_message') models.add(iteration.model);
  }
  const [model] = models;
  return models.size === 1 && typeof model === 'string' && model ? model : undefined;
}

/**
 * Converts an Anthropic Messages `usage` object into the neutral {@link UsageRecord}:
 * `prompt_tokens` = `input_tokens + cache_creation_input_tokens + cache_read_input_tokens`,
 * `completion_tokens` = `output_tokens` (thinking included), cache writes split 5 m / 1 h from
 * `cache_creation`, `thinking_tokens` as `reasoning_tokens`, server-tool web searches and fetches
 * as calls, and the `compaction` and `advisor_message` passes of `iterations` added on top (the
 * advisor's also as `advisor_input_tokens` / `advisor_output_tokens`). Refuses malformed counts
 * with a {@link UsageEventError} naming Anthropic's field (`usage.cache_read_input_tokens`).
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export function convertAnthropicUsage({ usage }: { usage: AnthropicUsage }): UsageRecord {
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) {
    throw new UsageEventError({ field: 'usage', message: 'must be an object' });
  }
  const top = readCounts(usage, 'usage');
  let { input, output, cacheRead, cacheWrite, cacheWrite5m, cacheWrite1h } = top;
  let advisorInput: number | undefined;
  let advisorOutput: number | undefined;
  readIterations(usage).forEach((iteration, index) => {
    const pass = readCounts(iteration, `usage.iterations[${index}]`);
    if (!isExtraIteration(iteration)) return;
    input += pass.input;
    output += pass.output;
    cacheRead = add(cacheRead, pass.cacheRead);
    cacheWrite = add(cacheWrite, pass.cacheWrite);
    cacheWrite5m = add(cacheWrite5m, pass.cacheWrite5m);
    cacheWrite1h = add(cacheWrite1h, pass.cacheWrite1h);
    if (iteration.type === 'advisor_message') {
      advisorInput =
        (advisorInput ?? 0) + pass.input + (pass.cacheRead ?? 0) + (pass.cacheWrite ?? 0);
      advisorOutput = (advisorOutput ?? 0) + pass.output;
    }
  });
  const count = (value: unknown, field: string) =>
    parseTokenCount({ value, field: `usage.${field}`, optional: true });
  const prompt = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const record: UsageRecord = {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    cached_tokens: cacheRead ?? 0,
    cache_write_tokens: cacheWrite ?? 0,
    // Without a `cache_creation` breakdown (responses from before 1-hour caching) every write
    // is a 5-minute one.
    cache_write_1h_tokens: cacheWrite1h ?? 0,
    reasoning_tokens:
      count(
        usage.output_tokens_details?.thinking_tokens,
        'output_tokens_details.thinking_tokens',
      ) ?? 0,
  };
  const optional = {
    cache_write_5m_tokens: cacheWrite5m,
    advisor_input_tokens: advisorInput,
    advisor_output_tokens: advisorOutput,
    web_search_calls: count(
      usage.server_tool_use?.web_search_requests,
      'server_tool_use.web_search_requests',
    ),
    web_fetch_calls: count(
      usage.server_tool_use?.web_fetch_requests,
      'server_tool_use.web_fetch_requests',
    ),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) record[key as keyof typeof optional] = value;
  }
  return checkUsageRecord({
    usage: record,
    fields: {
      prompt_tokens: 'usage.input_tokens + cache_creation_input_tokens + cache_read_input_tokens',
      completion_tokens: 'usage.output_tokens',
      cache_write_tokens: 'usage.cache_creation_input_tokens',
      cache_write_5m_tokens: 'usage.cache_creation.ephemeral_5m_input_tokens',
      cache_write_1h_tokens: 'usage.cache_creation.ephemeral_1h_input_tokens',
      reasoning_tokens: 'usage.output_tokens_details.thinking_tokens',
    },
  });
}
