import type { Tokenizer } from '../../../tokenizer/get-tokenizer.js';

/**
 * A function call from an assistant message in the history (`tool_calls[].function` or the legacy
 * `function_call`), declaring only the fields the estimate reads.
 */
export interface FunctionCallInput {
  name?: string | null | undefined;
  arguments?: string | null | undefined;
}

// Fitted on the recorded exchanges (see PROMPT-FORMAT.md): a single call is addressed to
// `functions.<name>` with a few framing tokens; several calls in one message become one call of
// `multi_tool_use.parallel` whose JSON argument lists each recipient and its parameters.
const singleCallFraming: Readonly<Record<string, number>> = { o200k_base: 3 };
const defaultSingleCallFraming = 2;
const parallelCallFraming = -2;

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// Fitted: for o200k_base models, arguments that parse as JSON are counted re-serialized without
// whitespace (`{"a": 1}` costs what `{"a":1}` costs); cl100k_base models count the text as sent.
function compactArguments({ text, tokenizer }: { text: string; tokenizer: Tokenizer }): string {
  if (tokenizer.encoding !== 'o200k_base') return text;
  const parsed = parseArguments(text);
  return typeof parsed === 'string' && parsed === text ? text : JSON.stringify(parsed);
}

/**
 * Estimates the prompt tokens the function calls of one assistant message add to its message
 * cost: the name and arguments of a single call with its framing, or the
 * `multi_tool_use.parallel` wrapper of several. The framing constants are fitted, not published.
 */
export function countToolCallTokens({
  calls,
  tokenizer,
  argumentsAsSent = false,
}: {
  calls: readonly FunctionCallInput[];
  tokenizer: Tokenizer;
  /** Count the arguments' text as sent rather than re-serialized (see `compactArguments`). */
  argumentsAsSent?: boolean;
}): number {
  const framing = singleCallFraming[tokenizer.encoding] ?? defaultSingleCallFraming;
  const argumentText = (text: string): string =>
    argumentsAsSent ? text : compactArguments({ text, tokenizer });
  const single = (call: FunctionCallInput): number =>
    tokenizer.count(call.name ?? '') +
    tokenizer.count(argumentText(call.arguments ?? '')) +
    framing;
  if (calls.length <= 1) return calls.reduce((sum, call) => sum + single(call), 0);
  const rendered = renderParallelCall(
    calls.map((call) => ({ name: call.name, parameters: parseArguments(call.arguments ?? '') })),
  );
  return tokenizer.count(rendered) + parallelCallFraming;
}

/**
 * The text of several function calls made as one `multi_tool_use.parallel` call, in the prompt
 * history and in generated output alike: its recipient and the JSON argument listing each call's
 * recipient `functions.<name>` and its parameters.
 */
export function renderParallelCall(
  calls: ReadonlyArray<{ name: string | null | undefined; parameters: unknown }>,
): string {
  const wrapper = JSON.stringify({
    tool_uses: calls.map((call) => ({
      recipient_name: `functions.${call.name ?? ''}`,
      parameters: call.parameters,
    })),
  });
  return ` to=multi_tool_use.parallel${wrapper}`;
}

// Fitted: a `tool` message answers from the called function's name, which costs its tokens plus
// two framing tokens besides the message's usual cost.
const toolResultFraming = 2;

/**
 * Estimates the prompt tokens a `tool` message adds besides the usual message cost: the name of
 * the function whose call it answers, plus fitted framing.
 */
export function countToolResultTokens({
  functionName,
  tokenizer,
}: {
  functionName: string;
  tokenizer: Tokenizer;
}): number {
  return tokenizer.count(functionName) + toolResultFraming;
}
