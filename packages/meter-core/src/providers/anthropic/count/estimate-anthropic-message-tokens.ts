import type { UsageRecord } from '../../../usage/usage-record.js';
import type {
  AnthropicMessageLike,
  AnthropicMessagesRequest,
} from '../events/anthropic-message-types.js';
import { estimateAnthropicOutputTokens } from './estimate-anthropic-output-tokens.js';
import { estimateAnthropicPromptTokens } from './estimate-anthropic-prompt-tokens.js';

/**
 * Estimates a message that came without usage (or a stream cut before it), from its request and
 * the content seen, with the calibrated model: every prompt token as uncached input (flagged by
 * the event), output never below `outputFloor`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/token-counting
 */
export function estimateAnthropicMessageTokens({
  request,
  content,
  outputFloor = 0,
}: {
  request: AnthropicMessagesRequest;
  content: AnthropicMessageLike['content'];
  /** Output already known to be billed (a stream's `message_start` count). */
  outputFloor?: number | undefined;
}): { tokens: UsageRecord; thinkingUnknown: boolean } {
  const prompt = estimateAnthropicPromptTokens({ request }).tokens;
  const output = estimateAnthropicOutputTokens({
    blocks: Array.isArray(content) ? content : [],
    toolChoice: request.tool_choice?.type,
  });
  const completion = Math.max(output.tokens, outputFloor);
  return {
    tokens: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      cached_tokens: 0,
      cache_write_tokens: 0,
      cache_write_1h_tokens: 0,
      reasoning_tokens: 0,
    },
    thinkingUnknown: output.thinkingUnknown,
  };
}
