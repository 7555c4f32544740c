import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';
import type { AnthropicContentBlockLike } from '../events/anthropic-message-types.js';
import { anthropicTokenRatios as ratios } from './anthropic-token-ratios.js';

/** An output estimate: the tokens, and whether the answer had thinking of unknown size. */
export interface AnthropicOutputEstimate {
  tokens: number;
  /** Thinking tokens the estimate cannot see: thinking blocks (summarized) or redacted ones. */
  thinkingUnknown: boolean;
}

const toolCallTypes = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

/**
 * Estimates the output tokens of the content blocks of an answer (a response's `content`, or the
 * blocks a stream delivered so far) with the calibrated model of {@link anthropicTokenRatios}:
 * text, thinking and compaction summaries scaled from the neutral tokenizer, tool calls by name
 * and JSON input plus a fixed overhead. Blocks that carry input (tool results) count nothing.
 * @see https://docs.anthropic.com/en/api/messages#response-content
 */
export function estimateAnthropicOutputTokens({
  blocks,
  toolChoice,
}: {
  blocks: Iterable<AnthropicContentBlockLike>;
  /** The request's `tool_choice.type`: a forced tool (`tool`) writes a shorter call. */
  toolChoice?: string | null | undefined;
}): AnthropicOutputEstimate {
  const tokenizer = getTokenizer(ratios.encoding);
  const count = (text: unknown) => (typeof text === 'string' && text ? tokenizer.count(text) : 0);
  let text = 0;
  let calls = 0;
  let thinkingUnknown = false;
  let any = false;
  for (const block of blocks) {
    any = true;
    const type = block?.type;
    if (type === 'text') {
      text += count(block.text);
    } else if (type === 'thinking') {
      // Claude 4 models stream a summary of their thinking and bill the full thinking.
      text += count(block.thinking);
      thinkingUnknown = true;
    } else if (type === 'redacted_thinking') {
      thinkingUnknown = true;
    } else if (type === 'compaction') {
      text += count(block.content);
    } else if (typeof type === 'string' && toolCallTypes.has(type)) {
      const input =
        typeof block.input === 'string' ? block.input : JSON.stringify(block.input ?? {});
      calls +=
        count(block.name) +
        count(input) +
        (toolChoice === 'tool' ? ratios.outputPerForcedToolCall : ratios.outputPerToolCall);
    }
  }
  const tokens = any ? Math.round(ratios.textRatio * text + calls) + ratios.outputBase : 0;
  return { tokens, thinkingUnknown };
}
