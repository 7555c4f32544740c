import type { Tokenizer } from '../tokenizer/get-tokenizer.js';
import { renderFunctionDefinitions } from './render-function-definitions.js';

/**
 * A function definition as sent in `tools[].function` or the legacy `functions`, declaring only the
 * fields the estimate reads.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
 */
export interface FunctionDefinitionInput {
  name?: string | null | undefined;
  description?: string | null | undefined;
  parameters?: { readonly [key: string]: unknown } | null | undefined;
}

// Fitted on the recorded exchanges: the definitions join the system (or developer) message when
// there is one, and otherwise arrive in a system message of their own, with its framing tokens.
const joinedToSystemMessage = -1;
const ownSystemMessage = 3;

// Also fitted: a function whose first parameter has no description counts one token below its
// rendering (every recorded case agrees; the exact rendering difference is not known).
function startsWithUndescribedProperty(definition: FunctionDefinitionInput): boolean {
  const properties = definition.parameters?.properties;
  if (typeof properties !== 'object' || properties === null) return false;
  const [first] = Object.values(properties);
  if (first === undefined) return false;
  const description = (first as { description?: unknown } | null)?.description;
  return typeof description !== 'string' || description === '';
}

/**
 * Estimates the prompt tokens that function definitions add: the tokens of their rendering as a
 * TypeScript namespace, plus the framing of the system message that carries them. Returns 0 for
 * an empty list.
 * @see https://cookbook.openai.com/articles/openai-harmony#function-calling
 */
export function countFunctionDefinitionTokens({
  functions,
  hasSystemMessage,
  tokenizer,
}: {
  functions: readonly FunctionDefinitionInput[];
  hasSystemMessage: boolean;
  tokenizer: Tokenizer;
}): number {
  if (functions.length === 0) return 0;
  const framing = hasSystemMessage ? joinedToSystemMessage : ownSystemMessage;
  const undescribed = functions.filter(startsWithUndescribedProperty).length;
  return tokenizer.count(renderFunctionDefinitions(functions)) + framing - undescribed;
}
