import type { Tokenizer } from '../tokenizer/get-tokenizer.js';

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

// Per-item costs of the cookbook's function formula (the prompt renders definitions as a
// TypeScript namespace; these constants approximate that rendering).
const propertiesInit = 3;
const propertyKey = 3;
const enumInit = -3;
const enumItem = 3;
const functionsEnd = 12;

function withoutFinalPeriod(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

function describeType(type: unknown): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.filter((item) => typeof item === 'string').join(' | ');
  return '';
}

function isRecord(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function countParameterTokens({
  parameters,
  tokenizer,
}: {
  parameters: FunctionDefinitionInput['parameters'];
  tokenizer: Tokenizer;
}): number {
  const properties = parameters?.properties;
  if (!isRecord(properties)) return 0;
  const entries = Object.entries(properties);
  if (entries.length === 0) return 0;
  let tokens = propertiesInit;
  for (const [key, property] of entries) {
    tokens += propertyKey;
    const schema = isRecord(property) ? property : {};
    if (Array.isArray(schema.enum)) {
      tokens += enumInit;
      for (const item of schema.enum) {
        tokens += enumItem + tokenizer.count(String(item));
      }
    }
    const description = typeof schema.description === 'string' ? schema.description : '';
    const line = `${key}:${describeType(schema.type)}:${withoutFinalPeriod(description)}`;
    tokens += tokenizer.count(line);
  }
  return tokens;
}

/**
 * Estimates the prompt tokens that a list of function definitions adds, with the OpenAI cookbook's
 * formula: per function `functionInit` plus `name:description`, per property `key:type:description`
 * and enum items, and 12 tokens closing the list. Returns 0 for an empty list.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
export function countFunctionDefinitionTokens({
  functions,
  functionInit,
  tokenizer,
}: {
  functions: readonly FunctionDefinitionInput[];
  functionInit: number;
  tokenizer: Tokenizer;
}): number {
  if (functions.length === 0) return 0;
  let tokens = functionsEnd;
  for (const definition of functions) {
    const description = withoutFinalPeriod(definition.description ?? '');
    tokens += functionInit + tokenizer.count(`${definition.name ?? ''}:${description}`);
    tokens += countParameterTokens({ parameters: definition.parameters, tokenizer });
  }
  return tokens;
}
