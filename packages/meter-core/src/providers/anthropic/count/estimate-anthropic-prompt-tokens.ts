import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';
import type {
  AnthropicMessagesRequest,
  AnthropicRequestBlockLike,
} from '../events/anthropic-message-types.js';
import { anthropicTokenRatios as ratios } from './anthropic-token-ratios.js';

/** A prompt estimate: the tokens, and how many parts could not be counted locally. */
export interface AnthropicPromptEstimate {
  tokens: number;
  /** Images, documents, search results and other blocks whose tokens are not counted. */
  excludedParts: number;
}

/**
 * Estimates the prompt of a Messages request (system, messages, tool definitions) as Anthropic
 * bills it, cache reads and writes included, with the calibrated model of
 * {@link anthropicTokenRatios}. Images, documents and other non-text blocks are not counted and
 * are reported in `excludedParts`. Throws a TypeError when `messages` is not an array.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/token-counting
 */
export function estimateAnthropicPromptTokens({
  request,
}: {
  request: AnthropicMessagesRequest;
}): AnthropicPromptEstimate {
  if (!Array.isArray(request?.messages)) {
    throw new TypeError('an Anthropic Messages request needs `messages`, an array');
  }
  const tokenizer = getTokenizer(ratios.encoding);
  const state = { text: 0, toolCalls: 0, excludedParts: 0 };
  const countText = (text: unknown) => {
    if (typeof text === 'string' && text) state.text += tokenizer.count(text);
  };
  const countContent = (content: unknown): void => {
    if (typeof content === 'string') {
      countText(content);
      return;
    }
    if (!Array.isArray(content)) return;
    for (const block of content as AnthropicRequestBlockLike[]) {
      switch (block?.type) {
        case 'text':
          countText(block.text);
          break;
        case 'thinking':
        case 'redacted_thinking':
          // Thinking of earlier turns is dropped from the context, not billed again.
          break;
        case 'tool_use':
        case 'server_tool_use':
          state.toolCalls += 1;
          countText(block.name);
          countText(JSON.stringify(block.input ?? {}));
          break;
        case 'tool_result':
          // Its overhead is part of the call's (fitted per call).
          countContent(block.content);
          break;
        default:
          state.excludedParts += 1;
      }
    }
  };
  countContent(request.system);
  for (const message of request.messages) countContent(message?.content);
  let tools = 0;
  const definitions = Array.isArray(request.tools) ? request.tools : [];
  for (const tool of definitions) {
    tools +=
      ratios.toolDefinitionRatio * tokenizer.count(JSON.stringify(tool)) + ratios.promptPerTool;
  }
  if (definitions.length > 0) tools += ratios.promptToolSystem;
  const tokens =
    ratios.textRatio * state.text +
    ratios.promptPerMessage * request.messages.length +
    ratios.promptBase +
    ratios.promptPerHistoryToolCall * state.toolCalls +
    tools;
  return { tokens: Math.round(tokens), excludedParts: state.excludedParts };
}
