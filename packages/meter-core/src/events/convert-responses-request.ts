import type { ChatPromptMessage, ChatPromptRequest } from '../count/count-chat-prompt-tokens.js';

/**
 * The body sent to `responses.create`, declaring only the fields the prompt estimate reads.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export interface ResponsesPromptRequest {
  model?: string | null | undefined;
  instructions?: string | null | undefined;
  input?: string | ReadonlyArray<ResponsesInputItem> | null | undefined;
  tools?:
    | ReadonlyArray<{
        type?: string | null | undefined;
        name?: string | null | undefined;
        description?: string | null | undefined;
        parameters?: unknown;
      }>
    | null
    | undefined;
}

/**
 * One input item of a Responses request: a message, a function call or a function call output.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export interface ResponsesInputItem {
  type?: string | null | undefined;
  role?: string | null | undefined;
  content?:
    | string
    | ReadonlyArray<{ type?: string | null | undefined; text?: string | null | undefined }>
    | null
    | undefined;
  name?: string | null | undefined;
  arguments?: string | null | undefined;
  output?: unknown;
}

/**
 * Converts a Responses request into the chat request shape `countChatPromptTokens` reads:
 * instructions become a system message, input items become messages, function tools become chat
 * tools. The Responses API adds its own overhead, so this remains an estimate.
 * @see https://platform.openai.com/docs/guides/migrate-to-responses
 */
export function convertResponsesRequest(request: ResponsesPromptRequest): ChatPromptRequest {
  const messages: ChatPromptMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  const input = request.input;
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
  } else if (Array.isArray(input)) {
    for (const item of input as ReadonlyArray<ResponsesInputItem>) {
      if (item.type === 'function_call') {
        messages.push({
          role: 'assistant',
          tool_calls: [
            { type: 'function', function: { name: item.name, arguments: item.arguments } },
          ],
        });
      } else if (item.type === 'function_call_output') {
        const output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
        messages.push({ role: 'tool', content: output ?? '' });
      } else if (item.type === undefined || item.type === null || item.type === 'message') {
        const content =
          typeof item.content === 'string'
            ? item.content
            : (item.content ?? []).map((part) =>
                part.type === 'input_text' || part.type === 'output_text'
                  ? { type: 'text', text: part.text }
                  : { type: part.type },
              );
        messages.push({ role: item.role ?? 'user', content });
      }
    }
  }
  const tools = (request.tools ?? [])
    .filter((tool) => tool.type === 'function')
    .map((tool) => ({
      type: 'function',
      function: {
        name: tool.name ?? '',
        description: tool.description ?? undefined,
        parameters: tool.parameters,
      },
    }));
  return {
    model: request.model,
    messages,
    ...(tools.length > 0 ? { tools: tools as ChatPromptRequest['tools'] } : {}),
  };
}
