/**
 * One entry of a Gemini per-modality token list (`promptTokensDetails`, ...). `modality` is a
 * name (`TEXT`, `IMAGE`, `VIDEO`, `AUDIO`, `DOCUMENT`) or, with `enum-encoding=int`, a number;
 * a zero `tokenCount` is left out.
 * @see https://ai.google.dev/api/generate-content#ModalityTokenCount
 */
export interface GeminiModalityTokenCount {
  modality?: string | number | null | undefined;
  tokenCount?: number | null | undefined;
}

/**
 * Gemini's `usageMetadata` (Generative Language API and Vertex AI), declaring only the fields
 * read here. Zero counts are left out (proto3 JSON). `promptTokenCount` includes
 * `cachedContentTokenCount`; `thoughtsTokenCount` and `toolUsePromptTokenCount` are outside the
 * visible counts. Embeddings spell the details `promptTokenDetails`.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export interface GeminiUsageMetadata {
  promptTokenCount?: number | null | undefined;
  cachedContentTokenCount?: number | null | undefined;
  candidatesTokenCount?: number | null | undefined;
  toolUsePromptTokenCount?: number | null | undefined;
  thoughtsTokenCount?: number | null | undefined;
  totalTokenCount?: number | null | undefined;
  promptTokensDetails?: ReadonlyArray<GeminiModalityTokenCount> | null | undefined;
  /** The embeddings API's spelling of `promptTokensDetails`. */
  promptTokenDetails?: ReadonlyArray<GeminiModalityTokenCount> | null | undefined;
  cacheTokensDetails?: ReadonlyArray<GeminiModalityTokenCount> | null | undefined;
  candidatesTokensDetails?: ReadonlyArray<GeminiModalityTokenCount> | null | undefined;
  toolUsePromptTokensDetails?: ReadonlyArray<GeminiModalityTokenCount> | null | undefined;
  /** Vertex AI: `ON_DEMAND`, `ON_DEMAND_FLEX`, `PROVISIONED_THROUGHPUT`, or a number. */
  trafficType?: string | number | null | undefined;
  /** The tier that served the request (`standard`, ...), where reported. */
  serviceTier?: string | number | null | undefined;
}

/**
 * One part of a Gemini content, declaring only what estimates read.
 * @see https://ai.google.dev/api/caching#Part
 */
export interface GeminiPartLike {
  text?: string | null | undefined;
  /** Set on thought summaries, which `thoughtsTokenCount` counts, not the visible output. */
  thought?: boolean | null | undefined;
  functionCall?: { name?: string | null | undefined; args?: unknown } | null | undefined;
  functionResponse?:
    | { name?: string | null | undefined; response?: unknown; parts?: unknown }
    | null
    | undefined;
  inlineData?: unknown;
  fileData?: unknown;
  /** The proto field names, which the API accepts too (some clients send them). */
  function_call?: GeminiPartLike['functionCall'];
  function_response?: GeminiPartLike['functionResponse'];
  inline_data?: unknown;
  file_data?: unknown;
  executableCode?: { code?: string | null | undefined } | null | undefined;
  codeExecutionResult?: { output?: string | null | undefined } | null | undefined;
}

/**
 * A Gemini content (`contents[]`, `systemInstruction`, a candidate's `content`).
 * @see https://ai.google.dev/api/caching#Content
 */
export interface GeminiContentLike {
  role?: string | null | undefined;
  parts?: ReadonlyArray<GeminiPartLike> | null | undefined;
}

/**
 * A `:generateContent` response or one chunk of `:streamGenerateContent` (Generative Language
 * API and Vertex AI), declaring only the fields read here.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export interface GenerateContentResponseLike {
  responseId?: string | null | undefined;
  /** The served model, e.g. `gemini-2.5-flash`. */
  modelVersion?: string | null | undefined;
  /** Vertex AI only: when the response was created (RFC 3339). */
  createTime?: string | null | undefined;
  candidates?:
    | ReadonlyArray<{
        index?: number | null | undefined;
        content?: GeminiContentLike | null | undefined;
        finishReason?: string | number | null | undefined;
      }>
    | null
    | undefined;
  usageMetadata?: GeminiUsageMetadata | null | undefined;
}

/**
 * An `:embedContent` or `:batchEmbedContents` response: no id, no time, no model; usage only
 * with `gemini-embedding-2*` (older embedding models report none).
 * @see https://ai.google.dev/api/embeddings#EmbedContentResponse
 */
export interface GeminiEmbedResponseLike {
  embedding?: unknown;
  embeddings?: ReadonlyArray<unknown> | null | undefined;
  usageMetadata?: GeminiUsageMetadata | null | undefined;
}

/**
 * A `:generateContent` request body, declaring only what estimates read, or the `@google/genai`
 * SDK's parameters (`config`). `tools` is a list in the API, though some clients send a single
 * object.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export interface GeminiPromptRequest {
  /** Some clients repeat the model in the body (`models/gemini-2.0-flash`). */
  model?: string | null | undefined;
  contents?: ReadonlyArray<GeminiContentLike> | GeminiContentLike | string | null | undefined;
  systemInstruction?: GeminiContentLike | string | null | undefined;
  tools?: unknown;
  generationConfig?:
    | {
        maxOutputTokens?: number | null | undefined;
        candidateCount?: number | null | undefined;
      }
    | null
    | undefined;
  /**
   * The `@google/genai` SDK's form of `systemInstruction`, `tools` and the generation config
   * (`ai.models.generateContentStream({ model, contents, config })`).
   */
  config?:
    | {
        systemInstruction?: GeminiContentLike | string | null | undefined;
        tools?: unknown;
        maxOutputTokens?: number | null | undefined;
        candidateCount?: number | null | undefined;
      }
    | null
    | undefined;
}
