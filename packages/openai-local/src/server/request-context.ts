import type { EncodingName } from '@llm-meter/meter-core';
import type { EventStream } from '../generation/create-event-stream.js';
import type { PromptCache } from '../generation/create-prompt-cache.js';
import type { BilledRequest } from '../ledger/billed-request.js';
import type { AnthropicPromptCache } from '../providers/anthropic/create-anthropic-prompt-cache.js';
import type { ModelObject } from '../providers/openai/known-models.js';
import type { ServiceTier } from '../providers/openai/resolve-service-tier.js';
import type { IdGenerator } from './create-id-generator.js';
import type { OpenAILocalFault } from './openai-local-fault.js';

/**
 * What a handler reports when it bills a request; the server adds when, and who (project, key,
 * user).
 */
export type BillInput = Omit<
  BilledRequest,
  'created_at' | 'project_id' | 'api_key_id' | 'user_id' | 'batch' | 'request_id'
>;

/**
 * Everything an endpoint handler needs for one request, so handlers stay free of server wiring.
 */
export interface RequestContext {
  /** The parsed JSON body (an empty object for GET). */
  body: Record<string, unknown>;
  /** Aborts when the client disconnects or the server closes. */
  signal: AbortSignal;
  fault: OpenAILocalFault;
  /** Headers for the answer (`x-request-id`, `openai-processing-ms`, …), computed when called. */
  headers(): Record<string, string>;
  createId: IdGenerator;
  /** The request id (`req_…`), also sent as `x-request-id`. */
  requestId: string;
  seed: number;
  tokensPerSecond: number;
  /** The models this server answers, by id (`knownModels` plus the `models` option). */
  models: ReadonlyMap<string, ModelObject>;
  promptCache: PromptCache;
  /** Anthropic's prompt cache (breakpoints with lifetimes), shared by every request. */
  anthropicPromptCache: AnthropicPromptCache;
  /** Seconds since the epoch at request time, for `created` / `created_at`. */
  createdAt: number;
  /** The server's clock, for `completed_at`. */
  now: () => Date;
  /** The tier the server or a fault forces, whatever the request asks. */
  forcedServiceTier: ServiceTier | undefined;
  /**
   * Sends the stream headers and returns the paced, fault-aware event writer for this request
   * (`framing: 'json-array'` for Gemini's streams without `alt=sse`).
   */
  openEventStream(input?: { framing?: 'sse' | 'json-array' | undefined }): EventStream;
  /** Sends a complete JSON answer with the shared headers. */
  sendJson(input: { status?: number; body: unknown; headers?: Record<string, string> }): void;
  /** Records what this request is billed (once per response id). */
  bill(input: BillInput): void;
  /** Lets retrieval show a response still being generated (`status: "in_progress"`). */
  markInProgress(input: { id: string; object: Record<string, unknown> }): void;
}

/**
 * A model's encoding and the resolved snapshot name, looked up once per request.
 */
export interface ResolvedModel {
  requested: string;
  snapshot: string;
  encoding: EncodingName;
  reasoning: boolean;
}
