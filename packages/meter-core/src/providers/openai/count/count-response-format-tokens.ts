import { renderCommentLines } from './render-function-definitions.js';

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

function hasText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

// Validation keywords do not reach the model's prompt; they are dropped at every depth.
const droppedKeys = new Set([
  'required',
  'additionalProperties',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
]);

function withoutDroppedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDroppedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !droppedKeys.has(key))
      .map(([key, item]) => [key, withoutDroppedKeys(item)]),
  );
}

// Fitted on the recorded exchanges (see PROMPT-FORMAT.md).
const responseFormatAdjustment = 4;

/**
 * The response-format section of the system message: for `json_schema`, `# Response Formats`,
 * the schema's name, its description as a comment and its compact JSON without validation
 * keywords, plus the fitted tokens counted besides that text, and whether it has a comment line.
 * `null` for formats that add nothing (`text`, `json_object`), undefined for unknown types.
 */
export function createResponseFormatSection(
  responseFormat: ResponseFormatInput,
): { text: string; adjustment: number; commented: boolean } | null | undefined {
  const type = responseFormat.type;
  if (type == null || type === 'text' || type === 'json_object') return null;
  if (type !== 'json_schema') return undefined;
  const definition = responseFormat.json_schema;
  const schema: { readonly [key: string]: unknown } = definition?.schema ?? {};
  // The format's own description is the comment; only without one is the schema's root
  // description moved up into the comment (a schema with both keeps its own in the JSON).
  const ownDescription = hasText(definition?.description) ? definition?.description : undefined;
  const { description: schemaDescription, ...withoutDescription } = schema;
  const rendered = ownDescription === undefined ? withoutDescription : schema;
  const comment = renderCommentLines(ownDescription ?? schemaDescription);
  return {
    text: `# Response Formats\n\n## ${definition?.name ?? ''}\n\n${comment}${JSON.stringify(withoutDroppedKeys(rendered))}`,
    adjustment: responseFormatAdjustment,
    commented: comment !== '',
  };
}
