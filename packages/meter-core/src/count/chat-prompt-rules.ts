import { baseModelName } from '../tokenizer/base-model-name.js';

/**
 * Fixed token costs of OpenAI's chat prompt format for one model family: each message is wrapped
 * in start/role/end tokens, and the prompt ends by priming the assistant's reply.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
export interface ChatPromptRules {
  /** Tokens added to every message besides its fields' text. */
  tokensPerMessage: number;
  /** Tokens added when a message has a `name` (besides the name's text). */
  tokensPerName: number;
  /** Tokens that open the assistant's reply, added once per prompt. */
  replyPriming: number;
  /** Tokens a model adds once when functions are defined, besides their rendering. */
  toolsPreamble: number;
  /** Tokens a model adds per function call in the history, besides the common framing. */
  toolCallExtra: number;
}

// Reasoning families prime the reply with one token fewer: the recorded gpt-5, gpt-5-mini,
// gpt-5-nano and o3-mini prompts all count exactly one below the 3-token priming. With tools they
// add a fixed preamble (81 tokens on 30 of the 38 recorded gpt-5 family prompts with tools and no
// calls, 82 on the rest) and 6 more tokens per call in the history; no o-series prompt with tools
// was recorded, so the o-series values are assumed to match gpt-5's.
const reasoningFamily = /^(o\d|gpt-5)(?:$|[-.])/;

/**
 * Returns the chat prompt format costs for a model: 4 tokens per message and -1 per name for the
 * gpt-3.5-turbo-0301 snapshot; 3 per message and +1 per name otherwise; 3 tokens of reply priming,
 * or 2 plus a tools preamble and per-call extra for o-series and gpt-5 models.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
export function chatPromptRulesForModel(model: string): ChatPromptRules {
  const name = baseModelName(model);
  if (name === 'gpt-3.5-turbo-0301' || name === 'gpt-35-turbo-0301') {
    return {
      tokensPerMessage: 4,
      tokensPerName: -1,
      replyPriming: 3,
      toolsPreamble: 0,
      toolCallExtra: 0,
    };
  }
  const reasoning = reasoningFamily.test(name);
  return {
    tokensPerMessage: 3,
    tokensPerName: 1,
    replyPriming: reasoning ? 2 : 3,
    toolsPreamble: reasoning ? 81 : 0,
    toolCallExtra: reasoning ? 6 : 0,
  };
}
