import type { ServiceTier } from '../providers/openai/resolve-service-tier.js';
import type { OpenAILocalFault } from './openai-local-fault.js';

/**
 * Where log lines go; `console` fits. Each call gets a message and structured fields (`event`
 * names what happened: `request`, `stream-aborted`, `error`, …).
 * @see https://nodejs.org/api/console.html
 */
export interface OpenAILocalLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What a server-wide fault function sees about each request.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export interface FaultRequestInfo {
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  body: Record<string, unknown>;
  /** 0 for the first request this server received, then 1, 2, … */
  index: number;
}

/**
 * Options of {@link startOpenAILocal}.
 * @see https://platform.openai.com/docs/api-reference/introduction
 */
export interface OpenAILocalOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number | undefined;
  /** Interface to bind; default 127.0.0.1 (never exposed beyond the machine by default). */
  host?: string | undefined;
  /** Stream pace; 0 (default) sends as fast as possible. ~50 looks like gpt-4o-mini. */
  tokensPerSecond?: number | undefined;
  /**
   * Model ids answered besides `knownModels` (OpenAI's models), e.g. a fine-tune
   * (`ft:gpt-4o-mini-2024-07-18:my-org::abc123`) or an OpenAI-compatible server's names
   * (`llama3.2`): listed by `GET /v1/models` and answered like OpenAI's models (counted with
   * `o200k_base` unless meter-core knows their family). Any other model answers 404
   * `model_not_found`, as OpenAI does.
   */
  models?: readonly string[] | undefined;
  /** Varies every generated answer; the same seed and request always give the same text. Default 0. */
  seed?: number | undefined;
  /** JSONL files or directories of recorded exchanges to serve for matching requests. */
  replay?: string | readonly string[] | undefined;
  /** With `replay`: what to do with an unrecorded request, `error` (default, a 404) or `generate`. */
  replayFallback?: 'error' | 'generate' | undefined;
  /**
   * How many prompt prefixes (one per 128-token boundary past 1,024 tokens) the prompt cache
   * remembers before it forgets the least recently used; default 10,000, 0 turns caching off.
   */
  promptCacheSize?: number | undefined;
  /** The only Bearer key accepted; by default any non-empty key is. */
  apiKey?: string | undefined;
  /**
   * The admin key the organisation endpoints (`/v1/organization/usage/*`, `/v1/organization/costs`)
   * require; without it they refuse every key, as for a key without the `api.usage.read` scope.
   */
  adminKey?: string | undefined;
  /**
   * Directory for what must survive a restart: the usage ledger (`openai-local-usage.jsonl`,
   * one line per billed request) behind the retrieve, Usage and Costs endpoints. Without it the
   * ledger lives in memory.
   */
  dataDir?: string | undefined;
  /** Serve every request on this tier whatever it asks for (a header fault `serve-tier=…` overrides it per request). */
  serveTier?: ServiceTier | undefined;
  /** Largest request body accepted, in bytes; larger ones answer 413. Default 32 MiB. */
  bodyLimitBytes?: number | undefined;
  /** The server's clock, for `created`, `created_at`, `completed_at` and the usage buckets. Default `() => new Date()`. */
  now?: (() => Date) | undefined;
  /** A fault for every request (`times` limits it to the first N), or a function choosing one per request. */
  faults?:
    | OpenAILocalFault
    | ((request: FaultRequestInfo) => OpenAILocalFault | undefined)
    | undefined;
  /** Receives a line per request and per notable event; silent by default. */
  logger?: OpenAILocalLogger | undefined;
}

/**
 * A running server, as returned by {@link startOpenAILocal}.
 * @see https://platform.openai.com/docs/api-reference/introduction
 */
export interface OpenAILocalServer {
  /** Base URL for the SDK's `baseURL`, ending in `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  /**
   * The server's origin without `/v1`, e.g. `http://127.0.0.1:41234`: the `baseURL` of
   * `@anthropic-ai/sdk` and the `httpOptions.baseUrl` of `@google/genai`.
   */
  origin: string;
  port: number;
  /** Stops accepting connections, ends open streams at once and resolves when all is closed. */
  close(): Promise<void>;
}
