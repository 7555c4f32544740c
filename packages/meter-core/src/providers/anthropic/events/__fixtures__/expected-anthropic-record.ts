import type { AnthropicUsage, AnthropicUsageIteration } from '../anthropic-message-types.js';

type Counted = Pick<
  AnthropicUsageIteration,
  'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens'
>;

/**
 * What a recorded Anthropic usage object must map to, written out plainly from the fixtures'
 * README (input billed = uncached + cache writes + cache reads; compaction and advisor passes on
 * top of the top-level counts), apart from the code under test.
 */
export function expectedAnthropicRecord(usage: AnthropicUsage): Record<string, unknown> {
  const passes: Counted[] = [
    usage as Counted,
    ...(usage.iterations ?? []).filter((iteration) => iteration.type !== 'message'),
  ];
  const sum = (field: keyof Counted) =>
    passes.reduce((total, pass) => total + (pass[field] ?? 0), 0);
  const reported = (field: keyof Counted) => passes.some((pass) => pass[field] != null);
  const prompt =
    sum('input_tokens') + sum('cache_creation_input_tokens') + sum('cache_read_input_tokens');
  const creation = [usage, ...(usage.iterations ?? []).filter((i) => i.type !== 'message')].map(
    (pass) => pass.cache_creation,
  );
  const expected: Record<string, unknown> = {
    prompt_tokens: prompt,
    completion_tokens: sum('output_tokens'),
    total_tokens: prompt + sum('output_tokens'),
    cached_tokens: sum('cache_read_input_tokens'),
    reasoning_tokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  };
  if (reported('cache_creation_input_tokens')) {
    expected.cache_write_tokens = sum('cache_creation_input_tokens');
  }
  if (creation.some((part) => part?.ephemeral_5m_input_tokens != null)) {
    expected.cache_write_5m_tokens = creation.reduce(
      (total, part) => total + (part?.ephemeral_5m_input_tokens ?? 0),
      0,
    );
  }
  // On every event (0 without a breakdown: such responses predate 1-hour caching).
  expected.cache_write_1h_tokens = creation.reduce(
    (total, part) => total + (part?.ephemeral_1h_input_tokens ?? 0),
    0,
  );
  if (usage.server_tool_use) {
    expected.web_search_calls = usage.server_tool_use.web_search_requests;
    if (usage.server_tool_use.web_fetch_requests != null) {
      expected.web_fetch_calls = usage.server_tool_use.web_fetch_requests;
    }
  }
  if (usage.service_tier) expected.service_tier = usage.service_tier;
  if (usage.inference_geo) expected.inference_geo = usage.inference_geo;
  return expected;
}
