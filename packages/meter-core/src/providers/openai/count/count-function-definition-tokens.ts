import type { Tokenizer } from '../../../tokenizer/get-tokenizer.js';
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

// Fitted on the recorded exchanges (see PROMPT-FORMAT.md): the tools block counts one token below
// its rendering, and so does each function whose first property line has no comment above it.
const toolsBlockAdjustment = -1;
const uncommentedFirstPropertyAdjustment = -1;

function hasText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function startsWithUncommentedProperty(definition: FunctionDefinitionInput): boolean {
  const properties = definition.parameters?.properties;
  if (typeof properties !== 'object' || properties === null) return false;
  const [first] = Object.values(properties);
  if (typeof first !== 'object' || first === null) return first !== undefined;
  const { title, description } = first as { title?: unknown; description?: unknown };
  return !hasText(title) && !hasText(description);
}

/**
 * The tools section of the system message for function definitions: its text (joined to the
 * system message by the caller) and the fitted tokens counted besides that text. Undefined for an
 * empty list.
 */
export function createFunctionDefinitionSection(
  functions: readonly FunctionDefinitionInput[],
): { text: string; adjustment: number } | undefined {
  if (functions.length === 0) return undefined;
  const uncommented = functions.filter(startsWithUncommentedProperty).length;
  return {
    text: renderFunctionDefinitions(functions),
    adjustment: toolsBlockAdjustment + uncommented * uncommentedFirstPropertyAdjustment,
  };
}

/**
 * Estimates the prompt tokens that function definitions add to a system message of their own:
 * the tokens of their rendering plus the fitted adjustment. Returns 0 for an empty list.
 */
export function countFunctionDefinitionTokens({
  functions,
  tokenizer,
}: {
  functions: readonly FunctionDefinitionInput[];
  tokenizer: Tokenizer;
}): number {
  const section = createFunctionDefinitionSection(functions);
  return section === undefined ? 0 : tokenizer.count(section.text) + section.adjustment;
}
