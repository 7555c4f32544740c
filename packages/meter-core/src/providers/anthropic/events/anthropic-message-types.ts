/**
 * Cache writes of one response split by how long they are kept, priced differently.
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export interface AnthropicCacheCreation {
  ephemeral_5m_input_tokens?: number | null | undefined;
  ephemeral_1h_input_tokens?: number | null | undefined;
}

/**
 * One sampling pass of a response (`usage.iterations`): `message` passes make up the top-level
 * counts; `compaction` and `advisor_message` passes (the latter with its own `model`) are billed
 * on top of them.
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export interface AnthropicUsageIteration {
  type?: string | null | undefined;
  model?: string | null | undefined;
  input_tokens?: number | null | undefined;
  output_tokens?: number | null | undefined;
  cache_creation_input_tokens?: number | null | undefined;
  cache_read_input_tokens?: number | null | undefined;
  cache_creation?: AnthropicCacheCreation | null | undefined;
}

/**
 * The `usage` object of an Anthropic Messages response (or a stream's merged usage), declaring
 * only the fields read. `input_tokens` is the uncached part of the prompt; cache reads and writes
 * are reported apart.
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export interface AnthropicUsage {
  input_tokens?: number | null | undefined;
  output_tokens?: number | null | undefined;
  cache_creation_input_tokens?: number | null | undefined;
  cache_read_input_tokens?: number | null | undefined;
  cache_creation?: AnthropicCacheCreation | null | undefined;
  output_tokens_details?: { thinking_tokens?: number | null | undefined } | null | undefined;
  server_tool_use?:
    | {
        web_search_requests?: number | null | undefined;
        web_fetch_requests?: number | null | undefined;
      }
    | null
    | undefined;
  /** The tier that served the request (`standard`, `priority`, `batch`). */
  service_tier?: string | null | undefined;
  /** Where the request ran (`global`, `us`, ..., or `not_available`). */
  inference_geo?: string | null | undefined;
  iterations?: ReadonlyArray<AnthropicUsageIteration> | null | undefined;
}

/**
 * One content block of a Messages response, declaring only the fields the estimates read.
 * @see https://docs.anthropic.com/en/api/messages#response-content
 */
export interface AnthropicContentBlockLike {
  type?: string | null | undefined;
  text?: string | null | undefined;
  thinking?: string | null | undefined;
  name?: string | null | undefined;
  input?: unknown;
  /** A compaction block's summary. */
  content?: unknown;
}

/**
 * An Anthropic Messages response (`POST /v1/messages`, `type: "message"`), declaring only the
 * fields read.
 * @see https://docs.anthropic.com/en/api/messages
 */
export interface AnthropicMessageLike {
  id?: string | null | undefined;
  type?: string | null | undefined;
  model?: string | null | undefined;
  content?: ReadonlyArray<AnthropicContentBlockLike> | null | undefined;
  stop_reason?: string | null | undefined;
  usage?: AnthropicUsage | null | undefined;
}

/**
 * A Messages request body, declaring only the fields the estimates read.
 * @see https://docs.anthropic.com/en/api/messages
 */
export interface AnthropicMessagesRequest {
  model?: string | null | undefined;
  max_tokens?: number | null | undefined;
  system?: string | ReadonlyArray<AnthropicContentBlockLike> | null | undefined;
  messages?:
    | ReadonlyArray<{
        role?: string | null | undefined;
        content?: string | ReadonlyArray<AnthropicRequestBlockLike> | null | undefined;
      }>
    | null
    | undefined;
  /** Tool definitions, counted by their JSON. */
  tools?: ReadonlyArray<unknown> | null | undefined;
  tool_choice?: { type?: string | null | undefined } | null | undefined;
  thinking?: { type?: string | null | undefined } | null | undefined;
}

/**
 * One content block of a request message: text, tool calls and results, thinking, images,
 * documents, ...
 * @see https://docs.anthropic.com/en/api/messages#body-messages-content
 */
export interface AnthropicRequestBlockLike extends AnthropicContentBlockLike {
  /** A tool result's content: a string or blocks. */
  content?: unknown;
}
