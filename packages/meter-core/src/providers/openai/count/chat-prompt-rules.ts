import { baseModelName } from '../../../tokenizer/base-model-name.js';

/**
 * Fixed token costs of OpenAI's chat prompt format for one model family: each message is wrapped
 * in start/role/end tokens, and the prompt ends by priming the assistant's reply.
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
  /**
   * Tokens an assistant message with text costs besides the usual message cost (the harmony
   * format's `<|channel|>final` on the gpt-5 family).
   */
  assistantTextExtra: number;
  /** Tokens a model adds per function call in the history, besides the common framing. */
  toolCallExtra: number;
  /** Whether a named `tool_choice` is written into the prompt. */
  promptsNamedToolChoice: boolean;
  /** Header of the system text that tools join (`# Instructions` in the harmony layout). */
  instructionsHeader: string;
  /**
   * Tokens counted besides the rendered tools and response format when they join an existing
   * system message, and when they form a system message of their own (the Responses API's
   * differ from chat's; fitted, see PROMPT-FORMAT.md).
   */
  sectionsAdjustment: { joined: number; ownMessage: number };
  /**
   * Whether several function calls of one assistant turn in the history are rendered as one
   * `multi_tool_use.parallel` call (chat), or each as a call of its own (the Responses API).
   */
  wrapsParallelCallsInHistory: boolean;
  /** Tokens an assistant turn of function calls in the history costs besides its calls. */
  callTurnExtra: number;
  /**
   * How a function call the request sends without the id of a stored item is counted (the
   * Responses API's `function_call` input items without `id`): its arguments as sent, and
   * `extra` tokens besides a stored call's cost. `undefined` where ids make no difference.
   */
  unstoredCall: { extra: number } | undefined;
  /** Tokens a json_schema response format costs besides its rendering and usual framing. */
  responseFormatExtra: number;
  /**
   * Tokens a json_schema response format without a comment line (no description) costs besides
   * its usual framing, when no tools precede it.
   */
  uncommentedFormatExtra: number;
  /**
   * Output tokens a generated function call costs besides `functions.<name>` and its arguments
   * (fitted on the recorded completions, see PROMPT-FORMAT.md).
   */
  outputToolCallFraming: number;
  /**
   * Whether several calls in one reply are generated as one `multi_tool_use.parallel` call
   * (chat-format models) rather than one message per call (harmony-format reasoning models).
   */
  generatesParallelWrapper: boolean;
}

// Reasoning families prime the reply with one token fewer: the recorded gpt-5, gpt-5-mini,
// gpt-5-nano and o3-mini prompts all count exactly one below the 3-token priming. With tools they
// add a fixed preamble (82 tokens on 4 of the 7 recorded tests with gpt-5 family prompts with
// tools, 81 on the other 3), 6 more tokens per call in the history, nothing for a named
// tool_choice, and an `# Instructions` header when the tools join a system message (harmony's
// developer-message layout; one recorded prompt). No o-series prompt with tools was recorded, so
// the o-series values are assumed to match gpt-5's. See PROMPT-FORMAT.md.
const reasoningFamily = /^(o\d|gpt-5)(?:$|[-.])/;

// The gpt-5 family writes the assistant's earlier replies on a channel (`<|channel|>final`): 2
// tokens more per assistant message with text (every recorded chat and Responses prompt of the
// fitted sources with such a message, gpt-5, gpt-5-mini and gpt-5.4; the one o3-mini prompt with
// an assistant reply counts none, so the o-series is left out). gpt-5-chat does not reason.
const harmonyChannels = /^gpt-5(?!-chat)(?:$|[-.])/;

// Fitted output framing of one generated call: 6 tokens on every recorded gpt-4o, gpt-4o-mini,
// gpt-4.1 and gpt-3.5-turbo-0125 completion (7 on a few, so 6 keeps the estimate low), 3 on the
// original gpt-4 snapshots, 9 on the gpt-5 family (9 on gpt-5.x, 15 on gpt-5-mini: the lower
// one keeps estimates from over-billing; settlement corrects the rest).
const outputToolCallFraming = { chat: 6, gpt4: 3, reasoning: 9 } as const;
const originalGpt4 = /^gpt-4(?:-0314|-0613|-32k(?:-0314|-0613)?)?$/;

const chatSectionsAdjustment = { joined: 0, ownMessage: 0 } as const;

// Fitted on the recorded Responses prompts of the fitted sources: the same rendering of
// function tools and a json_schema `text.format` counts 2 tokens fewer than chat's when it joins
// the instructions or a system message, and 6 fewer when it stands alone (a system message the
// Responses API does not add as chat does). The reasoning families add no tools preamble there
// and no such difference (every recorded gpt-5, gpt-5-nano, gpt-5.4 and gpt-5.5 Responses
// prompt with tools counts exactly chat's rules without the preamble). Consecutive
// `function_call` items cost what each costs alone (13 of 14 recorded prompts with several calls
// in a row exact that way), not a `multi_tool_use.parallel` wrapper as in chat.
// A turn of function calls costs one token more than in chat, like every assistant message the
// Responses API generates (PROMPT-FORMAT.md, output): 54 of the fitted sources' 67 prompts with
// one call in a turn were one short without it. The reasoning families' json_schema
// `text.format` costs 8 fewer (the 3 recorded gpt-5-nano prompts with one).
const responsesSectionsAdjustment = { joined: -2, ownMessage: -6 } as const;
const responsesCallTurnExtra = 1;
// Fitted: a `function_call` item sent without the `id` of the item OpenAI stored (a call replayed
// by a client that drops ids, or made up) costs 3 tokens fewer than a stored one, and its
// arguments count as sent, not re-serialized (pydantic-ai's 8 and Mirascope's 3 such prompts of
// non-reasoning models went +3 and +2 → 0; every reasoning-model prompt with such items was
// already exact, so they keep the stored cost). See PROMPT-FORMAT.md.
const responsesUnstoredCall = { extra: -3 } as const;
const responsesReasoningFormatExtra = -8;
// Fitted: on the Responses API a json_schema `text.format` without a description (no comment
// line) that no tools precede costs one token fewer than chat's (Mirascope: 15 such gpt-4o and
// gpt-4o-mini prompts +1 → 0; its 10 prompts whose schema has a root description, rendered as the
// comment, were exact). Reasoning models' formats keep their own constant above. See
// PROMPT-FORMAT.md.
const responsesUncommentedFormatExtra = -1;

/**
 * Returns the prompt format costs of the Responses API for a model: chat's, with the fitted
 * differences of how tools, a `text.format` and consecutive calls enter the prompt.
 */
export function responsesPromptRulesForModel(model: string): ChatPromptRules {
  const rules = chatPromptRulesForModel(model);
  const reasoning = rules.toolsPreamble !== 0;
  return {
    ...rules,
    toolsPreamble: 0,
    sectionsAdjustment: reasoning ? chatSectionsAdjustment : responsesSectionsAdjustment,
    wrapsParallelCallsInHistory: false,
    callTurnExtra: responsesCallTurnExtra,
    unstoredCall: reasoning ? undefined : responsesUnstoredCall,
    responseFormatExtra: reasoning ? responsesReasoningFormatExtra : 0,
    uncommentedFormatExtra: reasoning ? 0 : responsesUncommentedFormatExtra,
  };
}

/**
 * Whether the model may spend hidden reasoning tokens: the o-series and the gpt-5 family (not
 * the `gpt-5-chat` models, which do not reason). A stream without usage never shows them.
 */
export function isReasoningModel(model: string): boolean {
  const name = baseModelName(model);
  return reasoningFamily.test(name) && !name.startsWith('gpt-5-chat');
}

/**
 * Returns the chat prompt format costs for a model: 4 tokens per message and -1 per name for the
 * gpt-3.5-turbo-0301 snapshot; 3 per message and +1 per name otherwise; 3 tokens of reply priming,
 * or 2 plus a tools preamble and per-call extra for o-series and gpt-5 models.
 */
export function chatPromptRulesForModel(model: string): ChatPromptRules {
  const name = baseModelName(model);
  if (name === 'gpt-3.5-turbo-0301' || name === 'gpt-35-turbo-0301') {
    return {
      tokensPerMessage: 4,
      tokensPerName: -1,
      replyPriming: 3,
      toolsPreamble: 0,
      assistantTextExtra: 0,
      toolCallExtra: 0,
      promptsNamedToolChoice: true,
      instructionsHeader: '',
      sectionsAdjustment: chatSectionsAdjustment,
      wrapsParallelCallsInHistory: true,
      callTurnExtra: 0,
      unstoredCall: undefined,
      responseFormatExtra: 0,
      uncommentedFormatExtra: 0,
      outputToolCallFraming: outputToolCallFraming.chat,
      generatesParallelWrapper: true,
    };
  }
  const reasoning = reasoningFamily.test(name);
  return {
    tokensPerMessage: 3,
    tokensPerName: 1,
    replyPriming: reasoning ? 2 : 3,
    toolsPreamble: reasoning ? 82 : 0,
    assistantTextExtra: harmonyChannels.test(name) ? 2 : 0,
    toolCallExtra: reasoning ? 6 : 0,
    promptsNamedToolChoice: !reasoning,
    instructionsHeader: reasoning ? '# Instructions\n\n' : '',
    sectionsAdjustment: chatSectionsAdjustment,
    wrapsParallelCallsInHistory: true,
    callTurnExtra: 0,
    unstoredCall: undefined,
    responseFormatExtra: 0,
    uncommentedFormatExtra: 0,
    outputToolCallFraming: reasoning
      ? outputToolCallFraming.reasoning
      : originalGpt4.test(name)
        ? outputToolCallFraming.gpt4
        : outputToolCallFraming.chat,
    generatesParallelWrapper: !reasoning,
  };
}
