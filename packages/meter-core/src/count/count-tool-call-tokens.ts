import type { Tokenizer } from '../tokenizer/get-tokenizer.js';

/**
 * A function call from an assistant message in the history (`tool_calls[].function` or the legacy
 * `function_call`), declaring only the fields the estimate reads.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export interface FunctionCallInput {
  name?: string | null | undefined;
  arguments?: string | null | undefined;
}

// Fitted on the recorded exchanges (see scripts/accuracy-report.ts). A single call is addressed to
// `functions.<name>` and its result comes back from that name instead of the `tool` role, so the
// name is paid twice plus a few framing tokens. Parallel calls are wrapped into one call of
// `multi_tool_use.parallel` whose JSON argument lists each recipient and its parameters.
const singleCallFraming: Readonly<Record<string, number>> = { o200k_base: 5 };
const defaultSingleCallFraming = 4;
const parallelCallFraming: Readonly<Record<string, number>> = { o200k_base: -2 };
const defaultParallelCallFraming = 2;

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Estimates the prompt tokens of the function calls of one assistant message in the history: the
 * name and arguments of a single call with its framing, or the `multi_tool_use.parallel` wrapper
 * of several. The per-call constants are fitted, not published.
 * @see https://platform.openai.com/docs/guides/function-calling
 */
export function countToolCallTokens({
  calls,
  tokenizer,
}: {
  calls: readonly FunctionCallInput[];
  tokenizer: Tokenizer;
}): number {
  if (calls.length === 0) return 0;
  if (calls.length === 1) {
    const [call] = calls;
    const name = tokenizer.count(call?.name ?? '');
    const framing = singleCallFraming[tokenizer.encoding] ?? defaultSingleCallFraming;
    return 2 * name + tokenizer.count(call?.arguments ?? '') + framing;
  }
  const wrapper = JSON.stringify({
    tool_uses: calls.map((call) => ({
      recipient_name: `functions.${call.name ?? ''}`,
      parameters: parseArguments(call.arguments ?? ''),
    })),
  });
  let tokens = tokenizer.count(` to=multi_tool_use.parallel${wrapper}`);
  for (const call of calls) tokens += tokenizer.count(call.name ?? '') + 1;
  return tokens + (parallelCallFraming[tokenizer.encoding] ?? defaultParallelCallFraming);
}
