import type { GeminiPartLike } from './gemini-response-types.js';

/** The visible output of a response or stream: its texts and function calls. */
export interface GeminiOutput {
  texts: string[];
  functionCalls: Array<{ name?: unknown; args?: unknown }>;
}

/**
 * Adds a candidate's parts to the visible output: text, function calls, executable code and
 * its result. Thought summaries are left out: `thoughtsTokenCount` counts thoughts, not them.
 * @see https://ai.google.dev/api/caching#Part
 */
export function addGeminiOutputParts({
  output,
  parts,
}: {
  output: GeminiOutput;
  parts: ReadonlyArray<GeminiPartLike | null | undefined> | null | undefined;
}): void {
  if (!Array.isArray(parts)) return;
  for (const part of parts) {
    if (!part || typeof part !== 'object' || part.thought === true) continue;
    if (typeof part.text === 'string') output.texts.push(part.text);
    const functionCall = part.functionCall ?? part.function_call;
    if (functionCall && typeof functionCall === 'object') {
      output.functionCalls.push({ name: functionCall.name, args: functionCall.args });
    }
    if (typeof part.executableCode?.code === 'string') output.texts.push(part.executableCode.code);
    if (typeof part.codeExecutionResult?.output === 'string') {
      output.texts.push(part.codeExecutionResult.output);
    }
  }
}
