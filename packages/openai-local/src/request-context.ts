import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EncodingName } from '@llm-meter/meter-core';
import type { IdGenerator } from './create-id-generator.js';
import type { PromptCache } from './create-prompt-cache.js';
import type { OpenAILocalFault } from './openai-local-fault.js';

/**
 * Everything an endpoint handler needs for one request, so handlers stay free of server wiring.
 * @see https://platform.openai.com/docs/api-reference/introduction
 */
export interface RequestContext {
  request: IncomingMessage;
  response: ServerResponse;
  /** The parsed JSON body (an empty object for GET). */
  body: Record<string, unknown>;
  /** Aborts when the client disconnects or the server closes. */
  signal: AbortSignal;
  fault: OpenAILocalFault;
  /** Headers for the answer (`x-request-id`, `openai-processing-ms`, …), computed when called. */
  headers(): Record<string, string>;
  createId: IdGenerator;
  seed: number;
  tokensPerSecond: number;
  promptCache: PromptCache;
  /** Seconds since the epoch at request time, for `created` / `created_at`. */
  createdAt: number;
  /** Sends a complete JSON answer with the shared headers. */
  sendJson(input: { status?: number; body: unknown; headers?: Record<string, string> }): void;
}

/**
 * A model's encoding and the resolved snapshot name, looked up once per request.
 * @see https://platform.openai.com/docs/models
 */
export interface ResolvedModel {
  requested: string;
  snapshot: string;
  encoding: EncodingName;
  reasoning: boolean;
}
