import type { ServiceTier } from '../providers/openai/resolve-service-tier.js';

/**
 * The endpoints whose requests openai-local bills: OpenAI's chat completions, responses and
 * embeddings, Anthropic's messages and Gemini's generateContent (streamed or not).
 * @see https://platform.openai.com/docs/api-reference/usage
 */
export type BilledEndpoint =
  | 'chat.completions'
  | 'responses'
  | 'embeddings'
  | 'messages'
  | 'generateContent';

/**
 * The provider whose API answered a billed request. Ledger lines written before Anthropic and
 * Gemini were simulated carry none and are OpenAI's.
 * @see https://platform.openai.com/docs/api-reference/usage
 */
export type BilledProvider = 'openai' | 'anthropic' | 'gemini';

/**
 * How a billed request ended: answered in full, cut by its token limit, abandoned by the client
 * mid-stream, or broken off by the server (a dropped connection).
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-status
 */
export type BilledOutcome = 'completed' | 'incomplete' | 'aborted' | 'failed';

/**
 * What openai-local billed for one request: one line of its usage ledger, the source of the
 * retrieve endpoints and of the usage and cost APIs. Token fields follow OpenAI's Usage API for
 * every provider: `input_tokens` is every input token billed (cache reads and writes included),
 * `output_tokens` every output token (reasoning and thinking included).
 * @see https://platform.openai.com/docs/api-reference/usage/completions_object
 */
export interface BilledRequest {
  /** The response id (`chatcmpl-…`, `resp_…`); for embeddings the request id (`req_…`). */
  id: string;
  /**
   * The request id sent as `x-request-id` (`req_…`), the only id a client or proxy has for a
   * request whose answer it never read. Absent from ledger lines written before it was recorded.
   */
  request_id?: string;
  endpoint: BilledEndpoint;
  /** Who answered; absent (OpenAI) on lines written before other providers were simulated. */
  provider?: BilledProvider | undefined;
  /** Seconds since the epoch when the request was received (the server's clock). */
  created_at: number;
  /** The dated snapshot that answered (`gpt-4o-mini-2024-07-18`), or the embedding model. */
  model: string;
  /** OpenAI's tier as served; `standard` for Anthropic; `standard` for Gemini's default. */
  service_tier: ServiceTier | 'standard';
  project_id: string;
  api_key_id: string;
  user_id: string;
  batch: boolean;
  outcome: BilledOutcome;
  input_tokens: number;
  /** Cache reads: OpenAI's cached tokens, Anthropic's `cache_read_input_tokens`, Gemini's `cachedContentTokenCount`. */
  input_cached_tokens: number;
  /** Anthropic's cache writes with a 5-minute lifetime (part of `input_tokens`); absent elsewhere. */
  input_cache_write_5m_tokens?: number | undefined;
  /** Anthropic's cache writes with a 1-hour lifetime (part of `input_tokens`); absent elsewhere. */
  input_cache_write_1h_tokens?: number | undefined;
  output_tokens: number;
  reasoning_tokens: number;
  /** The object `GET /v1/responses/{id}` or `GET /v1/chat/completions/{id}` answers; null when not stored. */
  object: Record<string, unknown> | null;
}
