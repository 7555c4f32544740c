import type { ChatPromptMessage, ChatPromptRequest } from '../count/count-chat-prompt-tokens.js';

/**
 * The body sent to `responses.create`, declaring only the fields the prompt estimate reads.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export interface ResponsesPromptRequest {
  model?: string | null | undefined;
  instructions?: unknown;
  input?: string | ReadonlyArray<ResponsesInputItem> | null | undefined;
  tools?: ReadonlyArray<{ type?: string | null | undefined }> | null | undefined;
  /** `text.format`: the response format (`text`, `json_object` or `json_schema`). */
  text?: { format?: ResponsesTextFormat | null | undefined } | null | undefined;
  previous_response_id?: unknown;
  /** `auto`, `none`, `required`, or a named function (`{ type: 'function', name }`). */
  tool_choice?: unknown;
}

/**
 * The `text.format` of a Responses request: a `json_schema` format carries its name,
 * description, schema and `strict` flag at the top level (chat nests them in `json_schema`).
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-text
 */
export interface ResponsesTextFormat {
  type?: string | null | undefined;
  name?: string | null | undefined;
  description?: string | null | undefined;
  schema?: { readonly [key: string]: unknown } | null | undefined;
  strict?: boolean | null | undefined;
}

/**
 * One input item of a Responses request: a message, a function call or a function call output.
 * Fields are `unknown` because the item union is wide; the converter narrows what it reads.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export interface ResponsesInputItem {
  type?: unknown;
  role?: unknown;
  content?: unknown;
  name?: unknown;
  arguments?: unknown;
  output?: unknown;
  call_id?: unknown;
  /** The id of an item OpenAI stored (`fc_…` on a function call it generated). */
  id?: unknown;
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

function convertTextFormat(
  format: ResponsesTextFormat | null | undefined,
): ChatPromptRequest['response_format'] {
  if (format == null) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: { name: format.name, description: format.description, schema: format.schema },
  };
}

/**
 * Converts a Responses request into the chat request shape `countChatPromptTokens` reads:
 * instructions become a system message, input items become messages, function tools become chat
 * tools (other tool types are kept by type, so the count lists them as excluded), `text.format`
 * becomes `response_format`. Input items of other types are not converted:
 * `countResponsesPromptTokens` lists them as excluded.
 */
export function convertResponsesRequest(request: ResponsesPromptRequest): ChatPromptRequest {
  const messages: ChatPromptMessage[] = [];
  const callTurns = new Set<ChatPromptMessage>();
  const instructions = asString(request.instructions);
  if (instructions) messages.push({ role: 'system', content: instructions });
  const input = request.input;
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
  } else if (Array.isArray(input)) {
    for (const item of input as ReadonlyArray<ResponsesInputItem>) {
      if (item.type === 'function_call') {
        const call = {
          id: asString(item.call_id),
          type: 'function',
          function: { name: asString(item.name), arguments: asString(item.arguments) },
          stored: asString(item.id) !== undefined,
        };
        // Consecutive calls are one assistant turn, as chat's `tool_calls` array is.
        const previous = messages[messages.length - 1];
        if (previous !== undefined && callTurns.has(previous)) {
          previous.tool_calls = [...(previous.tool_calls ?? []), call];
        } else {
          const turn: ChatPromptMessage = { role: 'assistant', tool_calls: [call] };
          callTurns.add(turn);
          messages.push(turn);
        }
      } else if (item.type === 'function_call_output') {
        const output = asString(item.output) ?? JSON.stringify(item.output);
        messages.push({
          role: 'tool',
          content: output ?? '',
          tool_call_id: asString(item.call_id),
        });
      } else if (item.type === undefined || item.type === null || item.type === 'message') {
        const content = Array.isArray(item.content)
          ? (item.content as ReadonlyArray<{ type?: unknown; text?: unknown }>).map((part) =>
              part.type === 'input_text' || part.type === 'output_text'
                ? { type: 'text', text: asString(part.text) }
                : { type: asString(part.type) },
            )
          : (asString(item.content) ?? '');
        messages.push({ role: asString(item.role) ?? 'user', content });
      }
    }
  }
  const tools = (request.tools ?? []).map((tool) => {
    if (tool.type !== 'function') return { type: tool.type };
    const definition = tool as { name?: unknown; description?: unknown; parameters?: unknown };
    return {
      type: 'function',
      function: {
        name: asString(definition.name) ?? '',
        description: asString(definition.description),
        parameters: definition.parameters as { readonly [key: string]: unknown } | null | undefined,
      },
    };
  });
  const responseFormat = convertTextFormat(request.text?.format);
  const choice = request.tool_choice as { type?: unknown; name?: unknown } | null | undefined;
  const toolChoice =
    typeof choice === 'object' && choice !== null && choice.type === 'function'
      ? { type: 'function', function: { name: asString(choice.name) } }
      : undefined;
  return {
    model: request.model,
    messages,
    ...(tools.length > 0 ? { tools } : {}),
    ...(responseFormat === undefined ? {} : { response_format: responseFormat }),
    ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
  };
}
