/**
 * The calibrated model of Anthropic token counts, which have no public tokenizer: text is
 * counted with the neutral BPE tokenizer (`o200k_base`) and scaled, plus fixed overheads per
 * message, tool definition and tool call. Fitted on the recorded exchanges of two sources
 * (Mirascope, pydantic-ai: least squares, the small constants then set for the median relative
 * error) and validated on the eight others (`count/anthropic-estimate-accuracy.test.ts`;
 * figures in the package README, `pnpm accuracy-report:anthropic`).
 * @see https://docs.anthropic.com/en/docs/build-with-claude/token-counting
 */
export const anthropicTokenRatios = {
  /** The encoding whose counts are scaled. */
  encoding: 'o200k_base',
  /** Claude tokens per `o200k_base` token of text (prompt, answer, thinking). */
  textRatio: 1.14,
  /** Output: tokens every answer adds (end of turn). */
  outputBase: 2,
  /** Output: tokens each tool call adds besides its name and JSON input. */
  outputPerToolCall: 44,
  /** The same when `tool_choice` forces a named tool (no choice to write out). */
  outputPerForcedToolCall: 26,
  /** Prompt: tokens every request adds. */
  promptBase: 3,
  /** Prompt: tokens each message adds (its role turn). */
  promptPerMessage: 4,
  /** Prompt: Claude tokens per `o200k_base` token of a tool definition's JSON. */
  toolDefinitionRatio: 1.11,
  /** Prompt: tokens each tool definition adds. */
  promptPerTool: 76.6,
  /** Prompt: the tool-use system prompt, added once when `tools` is set. */
  promptToolSystem: 347,
  /** Prompt: tokens each tool call in the history (with its result) adds besides its text. */
  promptPerHistoryToolCall: 33.8,
} as const;
