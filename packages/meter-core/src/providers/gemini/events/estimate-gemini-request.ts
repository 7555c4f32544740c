import type { RequestEstimate } from '../../usage-provider.js';
import { estimateGeminiPromptTokens } from '../count/estimate-gemini-tokens.js';
import type { GeminiContentLike, GeminiPromptRequest } from './gemini-response-types.js';

function outputLimit(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(
      `request.generationConfig.${field} must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Estimates the prompt of an `:embedContent` (`content`) or `:batchEmbedContents`
 * (`requests[].content`) body with the fitted Gemini text estimate.
 * @see https://ai.google.dev/api/embeddings#method:-models.embedcontent
 */
export function estimateGeminiEmbedRequest({ request }: { request: unknown }): number {
  const body = request as { content?: GeminiContentLike; requests?: unknown };
  const contents: GeminiContentLike[] = Array.isArray(body.requests)
    ? body.requests.map((item) => (item as { content?: GeminiContentLike })?.content ?? {})
    : [body.content ?? {}];
  // Each content is embedded on its own, with no turns around it.
  return contents.reduce(
    (sum, content) =>
      sum + estimateGeminiPromptTokens({ request: { systemInstruction: content } }).tokens,
    0,
  );
}

/**
 * Estimates a Gemini request before it is sent: a `:generateContent` body (`contents`, with
 * `generationConfig.maxOutputTokens` and `candidateCount`) or an embeddings body (`content`,
 * `requests`; no output). The prompt is the fitted estimate streams use; media parts are
 * counted in `excludedParts`.
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerationConfig
 */
export function estimateGeminiRequest({ request }: { request: unknown }): RequestEstimate {
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    throw new TypeError('the request body must be an object with `contents`');
  }
  const body = request as Record<string, unknown>;
  if (body.contents === undefined || body.contents === null) {
    if (body.content !== undefined || Array.isArray(body.requests)) {
      return {
        promptTokens: estimateGeminiEmbedRequest({ request }),
        excludedParts: 0,
        maxOutputTokens: 0,
        choices: 1,
      };
    }
    throw new TypeError(
      'the request has neither `contents` (generateContent) nor `content` / `requests` (embeddings)',
    );
  }
  const config = body.generationConfig ?? body.config;
  if (config !== undefined && config !== null && typeof config !== 'object') {
    throw new TypeError('request.generationConfig must be an object');
  }
  const { maxOutputTokens, candidateCount } = (config ?? {}) as Record<string, unknown>;
  const prompt = estimateGeminiPromptTokens({ request: body as GeminiPromptRequest });
  return {
    promptTokens: prompt.tokens,
    excludedParts: prompt.excludedParts,
    maxOutputTokens: outputLimit(maxOutputTokens, 'maxOutputTokens'),
    choices: Math.max(1, outputLimit(candidateCount, 'candidateCount') ?? 1),
  };
}
