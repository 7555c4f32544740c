/**
 * The parts of the AI SDK's language and embedding model interfaces this package reads, typed
 * structurally so that one middleware serves specification `v3` (`ai` 6) and `v4` (`ai` 7),
 * whose shapes agree on every field read here. Each field is `| null | undefined`, as the house
 * style asks of input types.
 * @see https://ai-sdk.dev/docs/ai-sdk-core/middleware
 */

/** A JSON object as the AI SDK passes provider options and metadata. */
export type JsonRecord = Record<string, unknown>;

/** One message of the AI SDK's provider-neutral prompt. */
export interface PromptMessageLike {
  role: string;
  content: string | readonly unknown[];
}

/** The call options the middleware reads (`LanguageModelV3CallOptions`). */
export interface CallOptionsLike {
  prompt: readonly PromptMessageLike[];
  maxOutputTokens?: number | null | undefined;
  includeRawChunks?: boolean | null | undefined;
  abortSignal?: AbortSignal | null | undefined;
  providerOptions?: Record<string, JsonRecord | undefined> | null | undefined;
}

/** The model the middleware wraps: who serves it, and its id. */
export interface ModelLike {
  readonly provider: string;
  readonly modelId: string;
}

/** The AI SDK's normalized usage (`LanguageModelV3Usage`), with the provider's raw usage. */
export interface NormalizedUsageLike {
  inputTokens?:
    | {
        total?: number | null | undefined;
        cacheRead?: number | null | undefined;
        cacheWrite?: number | null | undefined;
      }
    | null
    | undefined;
  outputTokens?:
    | { total?: number | null | undefined; reasoning?: number | null | undefined }
    | null
    | undefined;
  raw?: JsonRecord | null | undefined;
}

/** What `doGenerate` resolves to, as far as metering reads it. */
export interface GenerateResultLike {
  usage?: NormalizedUsageLike | null | undefined;
  request?: { body?: unknown } | null | undefined;
  response?:
    | {
        id?: string | null | undefined;
        modelId?: string | null | undefined;
        timestamp?: Date | null | undefined;
        headers?: Record<string, string | undefined> | null | undefined;
        body?: unknown;
      }
    | null
    | undefined;
}

/** One part of a `doStream` stream, as far as metering reads it. */
export interface StreamPartLike {
  type: string;
  rawValue?: unknown;
  delta?: string | undefined;
  id?: string | undefined;
  modelId?: string | undefined;
  timestamp?: Date | undefined;
  usage?: NormalizedUsageLike | undefined;
}

/** What `doStream` resolves to, as far as metering reads it. */
export interface StreamResultLike<Part> {
  stream: ReadableStream<Part>;
  request?: { body?: unknown } | null | undefined;
  response?: { headers?: Record<string, string | undefined> | null | undefined } | null | undefined;
}
