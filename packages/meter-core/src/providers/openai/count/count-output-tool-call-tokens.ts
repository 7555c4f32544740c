import type { Tokenizer } from '../../../tokenizer/get-tokenizer.js';
import type { ChatPromptRules } from './chat-prompt-rules.js';
import { type FunctionCallInput, renderParallelCall } from './count-tool-call-tokens.js';

// Fitted on the recorded completions (see PROMPT-FORMAT.md): several calls generated as one
// `multi_tool_use.parallel` call cost the tokens of its rendering plus 4, on o200k_base and
// cl100k_base models alike.
const parallelWrapperFraming = 4;

function parseArguments(text: string): { success: true; value: unknown } | { success: false } {
  try {
    return { success: true, value: JSON.parse(text) };
  } catch {
    return { success: false };
  }
}

/**
 * Estimates the output tokens of the function calls one assistant reply generated, and how many
 * assistant messages they took: one call is addressed to `functions.<name>` and costs that
 * recipient, its arguments and a fitted framing; several calls are one
 * `multi_tool_use.parallel` message on chat-format models and one message per call on
 * reasoning models. Only the shape of the calls counts, never which tool was called.
 */
export function countOutputToolCallTokens({
  calls,
  tokenizer,
  rules,
}: {
  calls: readonly FunctionCallInput[];
  tokenizer: Tokenizer;
  rules: ChatPromptRules;
}): { tokens: number; messages: number } {
  const single = (call: FunctionCallInput): number =>
    tokenizer.count(`functions.${call.name ?? ''}`) +
    tokenizer.count(call.arguments ?? '') +
    rules.outputToolCallFraming;
  if (calls.length > 1 && rules.generatesParallelWrapper) {
    const parameters = calls.map((call) => parseArguments(call.arguments ?? ''));
    // Arguments that are not JSON cannot have been generated inside the wrapper's JSON.
    if (parameters.every((parsed) => parsed.success)) {
      const rendered = renderParallelCall(
        calls.map((call, index) => ({
          name: call.name,
          parameters: (parameters[index] as { value: unknown }).value,
        })),
      );
      return { tokens: tokenizer.count(rendered) + parallelWrapperFraming, messages: 1 };
    }
  }
  return { tokens: calls.reduce((sum, call) => sum + single(call), 0), messages: calls.length };
}
