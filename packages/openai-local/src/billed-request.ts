import type { ServiceTier } from './resolve-service-tier.js';

/**
 * The endpoints whose requests openai-local bills.
 * @see https://platform.openai.com/docs/api-reference/usage
 */
export type BilledEndpoint = 'chat.completions' | 'responses' | 'embeddings';

/**
 * How a billed request ended: answered in full, cut by its token limit, abandoned by the client
 * mid-stream, or broken off by the server (a dropped connection).
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-status
 */
export type BilledOutcome = 'completed' | 'incomplete' | 'aborted' | 'failed';

/**
 * What openai-local billed for one request: one line of its usage ledger, the source of the
 * retrieve endpoints and of the organisation Usage and Costs APIs. Token fields follow OpenAI's
 * Usage API (`input_tokens` includes `input_cached_tokens`; `output_tokens` includes
 * `reasoning_tokens`).
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
  /** Seconds since the epoch when the request was received (the server's clock). */
  created_at: number;
  /** The dated snapshot that answered (`gpt-4o-mini-2024-07-18`), or the embedding model. */
  model: string;
  service_tier: ServiceTier;
  project_id: string;
  api_key_id: string;
  user_id: string;
  batch: boolean;
  outcome: BilledOutcome;
  input_tokens: number;
  input_cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** The object `GET /v1/responses/{id}` or `GET /v1/chat/completions/{id}` answers; null when not stored. */
  object: Record<string, unknown> | null;
}
