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
  /** Whether a named `tool_choice` is written into the prompt. */
  promptsNamedToolChoice: boolean;
  /** Header of the system text that tools join (`# Instructions` in the harmony layout). */
  instructionsHeader: string;
}

// Reasoning families prime the reply with one token fewer: the recorded gpt-5, gpt-5-mini,
// gpt-5-nano and o3-mini prompts all count exactly one below the 3-token priming. With tools they
// add a fixed preamble (82 tokens on 4 of the 7 recorded tests with gpt-5 family prompts with
// tools, 81 on the other 3), 6 more tokens per call in the history, nothing for a named
// tool_choice, and an `# Instructions` header when the tools join a system message (harmony's
// developer-message layout; one recorded prompt). No o-series prompt with tools was recorded, so
// the o-series values are assumed to match gpt-5's. See PROMPT-FORMAT.md.
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
      promptsNamedToolChoice: true,
      instructionsHeader: '',
    };
  }
  const reasoning = reasoningFamily.test(name);
  return {
    tokensPerMessage: 3,
    tokensPerName: 1,
    replyPriming: reasoning ? 2 : 3,
    toolsPreamble: reasoning ? 82 : 0,
    toolCallExtra: reasoning ? 6 : 0,
    promptsNamedToolChoice: !reasoning,
    instructionsHeader: reasoning ? '# Instructions\n\n' : '',
  };
}
