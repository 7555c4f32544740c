import type { OpenAIChatUsage } from './convert-chat-usage.js';
import type { OpenAIResponsesUsage } from './convert-responses-usage.js';

/**
 * A Chat Completion (`object: "chat.completion"`), declaring only the fields read here.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export interface ChatCompletionLike {
  object: 'chat.completion';
  id?: string | null | undefined;
  created?: number | null | undefined;
  model?: string | null | undefined;
  choices?:
    | ReadonlyArray<{
        message?:
          | {
              content?: string | null | undefined;
              refusal?: string | null | undefined;
              tool_calls?:
                | ReadonlyArray<{
                    // `function` or `custom` (openai 6's custom tools, whose input is free text).
                    type?: string | null | undefined;
                    function?:
                      | { name?: string | null | undefined; arguments?: string | null | undefined }
                      | null
                      | undefined;
                    custom?:
                      | { name?: string | null | undefined; input?: string | null | undefined }
                      | null
                      | undefined;
                  }>
                | null
                | undefined;
              function_call?:
                | { name?: string | null | undefined; arguments?: string | null | undefined }
                | null
                | undefined;
            }
          | null
          | undefined;
      }>
    | null
    | undefined;
  usage?: OpenAIChatUsage | null | undefined;
  /** The tier that served the request (`default`, `flex`, `priority`, ...). */
  service_tier?: string | null | undefined;
}

/**
 * One output item of a Responses API response, declaring only the fields read for estimates.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
 */
export interface ResponseOutputItemLike {
  type?: string | null | undefined;
  content?:
    | ReadonlyArray<{
        type?: string | null | undefined;
        text?: string | null | undefined;
        refusal?: string | null | undefined;
      }>
    | null
    | undefined;
  name?: string | null | undefined;
  // A string for function calls; other item types (e.g. tool search calls) carry other shapes.
  arguments?: unknown;
  input?: unknown;
}

/**
 * A Responses API response (`object: "response"`), declaring only the fields read here.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export interface ResponseLike {
  object: 'response';
  id?: string | null | undefined;
  created_at?: number | null | undefined;
  model?: string | null | undefined;
  status?: string | null | undefined;
  output?: ReadonlyArray<ResponseOutputItemLike> | null | undefined;
  usage?: OpenAIResponsesUsage | null | undefined;
  /** The tier that served the request (`default`, `flex`, `priority`, ...). */
  service_tier?: string | null | undefined;
}

/**
 * An Embeddings response (`object: "list"` of embeddings). It carries no id and no time; the
 * openai SDK adds the non-enumerable `_request_id` it read from the `x-request-id` header.
 * @see https://platform.openai.com/docs/api-reference/embeddings/object
 */
export interface EmbeddingsResponseLike {
  object: 'list';
  data?: ReadonlyArray<unknown> | null | undefined;
  model?: string | null | undefined;
  usage?: OpenAIChatUsage | null | undefined;
  _request_id?: string | null | undefined;
}

/**
 * The body sent to `embeddings.create`, declaring only the fields the estimate reads.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export interface EmbeddingsPromptRequest {
  model?: string | null | undefined;
  input?:
    | string
    | ReadonlyArray<string>
    | ReadonlyArray<number>
    | ReadonlyArray<ReadonlyArray<number>>
    | null
    | undefined;
}

/**
 * Any response `toUsageEvent` accepts.
 * @see https://platform.openai.com/docs/api-reference
 */
export type MeterableResponse = ChatCompletionLike | ResponseLike | EmbeddingsResponseLike;
