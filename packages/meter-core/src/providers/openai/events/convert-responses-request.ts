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
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/**
 * Converts a Responses request into the chat request shape `countChatPromptTokens` reads:
 * instructions become a system message, input items become messages, function tools become chat
 * tools. The Responses API adds its own overhead, so this remains an estimate.
 */
export function convertResponsesRequest(request: ResponsesPromptRequest): ChatPromptRequest {
  const messages: ChatPromptMessage[] = [];
  const instructions = asString(request.instructions);
  if (instructions) messages.push({ role: 'system', content: instructions });
  const input = request.input;
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
  } else if (Array.isArray(input)) {
    for (const item of input as ReadonlyArray<ResponsesInputItem>) {
      if (item.type === 'function_call') {
        messages.push({
          role: 'assistant',
          tool_calls: [
            {
              type: 'function',
              function: { name: asString(item.name), arguments: asString(item.arguments) },
            },
          ],
        });
      } else if (item.type === 'function_call_output') {
        const output = asString(item.output) ?? JSON.stringify(item.output);
        messages.push({ role: 'tool', content: output ?? '' });
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
  const tools = (request.tools ?? [])
    .filter((tool) => tool.type === 'function')
    .map((tool) => {
      const definition = tool as { name?: unknown; description?: unknown; parameters?: unknown };
      return {
        type: 'function',
        function: {
          name: asString(definition.name) ?? '',
          description: asString(definition.description),
          parameters: definition.parameters as
            | { readonly [key: string]: unknown }
            | null
            | undefined,
        },
      };
    });
  return { model: request.model, messages, ...(tools.length > 0 ? { tools } : {}) };
}
