import type { Tokenizer } from '../tokenizer/get-tokenizer.js';

/**
 * The `response_format` of a chat completion request, declaring only the fields the estimate
 * reads.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-response_format
 */
export interface ResponseFormatInput {
  type?: string | null | undefined;
  json_schema?:
    | {
        name?: string | null | undefined;
        description?: string | null | undefined;
        schema?: { readonly [key: string]: unknown } | null | undefined;
      }
    | null
    | undefined;
}

// Keys that do not reach the model's prompt: dropping them is what makes the recorded schemas
// line up (pydantic adds a `title` to every property).
const droppedKeys = new Set(['title', 'additionalProperties']);

function withoutDroppedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDroppedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !droppedKeys.has(key))
      .map(([key, item]) => [key, withoutDroppedKeys(item)]),
  );
}

// Fitted on the recorded exchanges, like the tool framing: the schema section costs 11 tokens
// besides its text, plus the framing of the system message that carries it.
const sectionFraming = 11;
const joinedToSystemMessage = -1;
const ownSystemMessage = 3;

/**
 * Estimates the prompt tokens of a `json_schema` response format: a `# Response Formats` section
 * with the schema's name, description and JSON (without `title` and `additionalProperties`), plus
 * fitted framing. Returns 0 for `text` and `json_object`, which add nothing, and undefined for
 * other types.
 * @see https://platform.openai.com/docs/guides/structured-outputs
 */
export function countResponseFormatTokens({
  responseFormat,
  hasSystemMessage,
  tokenizer,
}: {
  responseFormat: ResponseFormatInput;
  hasSystemMessage: boolean;
  tokenizer: Tokenizer;
}): number | undefined {
  const type = responseFormat.type;
  if (type == null || type === 'text' || type === 'json_object') return 0;
  if (type !== 'json_schema') return undefined;
  const definition = responseFormat.json_schema;
  const description = definition?.description ? `// ${definition.description}\n` : '';
  const section = `# Response Formats\n\n## ${definition?.name ?? ''}\n\n${description}${JSON.stringify(
    withoutDroppedKeys(definition?.schema ?? {}),
  )}`;
  const framing = hasSystemMessage ? joinedToSystemMessage : ownSystemMessage;
  return tokenizer.count(section) + sectionFraming + framing;
}
