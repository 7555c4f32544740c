import { getTokenizer } from '@llm-meter/meter-core';
import { createJsonFromSchema } from '../../generation/create-json-from-schema.js';
import { createSeededRandom } from '../../generation/create-seeded-random.js';
import { generateSentences } from '../../generation/generate-sentences.js';
import { truncateToTokens } from '../../generation/split-into-token-chunks.js';
import type { MessagesRequest } from './parse-messages-request.js';

/**
 * One generated Claude answer: optional thinking, then text or one tool call, with token counts
 * (`o200k_base`, openai-local's stand-in for Anthropic's tokenizer).
 * @see https://docs.anthropic.com/en/api/messages#response-content
 */
export interface AnthropicAnswer {
  thinking: string | undefined;
  thinkingTokens: number;
  /** The text, or the tool call's input as JSON. */
  text: string;
  textTokens: number;
  toolCall: { name: string } | undefined;
  stopReason: 'end_turn' | 'max_tokens' | 'tool_use';
}

/**
 * Generates the deterministic answer for a Messages request: the same key always gives the
 * same thinking, text and cut. Thinking counts toward `max_tokens` first, as Claude's does.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 */
export function createAnthropicAnswer({
  key,
  request,
}: {
  key: string;
  request: MessagesRequest;
}): AnthropicAnswer {
  const tokenizer = getTokenizer('o200k_base');
  let thinking: string | undefined;
  let thinkingTokens = 0;
  if (request.thinkingBudget !== undefined) {
    const full = generateSentences({
      random: createSeededRandom(`thinking:${key}`),
      minSentences: 2,
      maxSentences: 10,
    });
    const cut = truncateToTokens({
      text: full,
      maxTokens: Math.min(request.thinkingBudget, request.maxTokens),
      tokenizer,
    });
    thinking = cut.text;
    thinkingTokens = cut.tokens;
  }
  const remaining = request.maxTokens - thinkingTokens;
  const random = createSeededRandom(key);
  if (request.forcedTool !== undefined) {
    const input = JSON.stringify(
      createJsonFromSchema({ schema: request.forcedTool.inputSchema, random }),
    );
    const tokens = tokenizer.encode(input).length;
    // A call that does not fit is not sent: the answer is cut text instead, as `max_tokens` cuts.
    if (tokens <= remaining) {
      return {
        thinking,
        thinkingTokens,
        text: input,
        textTokens: tokens,
        toolCall: { name: request.forcedTool.name },
        stopReason: 'tool_use',
      };
    }
  }
  const full =
    request.outputSchema === undefined
      ? generateSentences({ random })
      : JSON.stringify(createJsonFromSchema({ schema: request.outputSchema, random }));
  const cut = truncateToTokens({ text: full, maxTokens: Math.max(0, remaining), tokenizer });
  return {
    thinking,
    thinkingTokens,
    text: cut.text,
    textTokens: cut.tokens,
    toolCall: undefined,
    stopReason: cut.truncated || remaining <= 0 ? 'max_tokens' : 'end_turn',
  };
}
