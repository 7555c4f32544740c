import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';
import type {
  GeminiContentLike,
  GeminiPartLike,
  GeminiPromptRequest,
} from '../events/gemini-response-types.js';

// Gemini has no public tokenizer. Its counts are estimated with the neutral o200k_base BPE
// times a ratio fitted on the recorded exchanges of ruby_llm, pydantic-ai (records the recorder
// did not normalize), opentelemetry-python-contrib, langchaingo and openllmetry; Mirascope and
// llm-gemini are held out to validate it (gemini-tokens.test.ts, README "Gemini estimates").
/** Gemini tokens per o200k_base token of visible text (candidatesTokenCount / BPE, fitted). */
export const geminiTokensPerBpeToken = 1.0657;
/** Tokens a function call costs beyond its rendered `name args` (median residual, fitted). */
export const geminiTokensPerFunctionCall = 6;
/** Tokens each prompt content (turn) costs beyond its text (median residual, fitted). */
export const geminiTokensPerContent = 0.4;

const encoding = 'o200k_base';

/** A function call or response rendered as its name and JSON, the way the fit measured it. */
function renderCall(name: unknown, payload: unknown): string {
  return `${typeof name === 'string' ? name : ''} ${JSON.stringify(payload ?? {}) ?? ''}`;
}

/**
 * Estimates Gemini output tokens from visible text and function calls: o200k_base tokens times
 * {@link geminiTokensPerBpeToken}, plus {@link geminiTokensPerFunctionCall} per call; at least 1
 * when anything was generated. Thoughts are not visible and not counted.
 * @see https://ai.google.dev/gemini-api/docs/tokens
 */
export function estimateGeminiOutputTokens({
  texts,
  functionCalls = [],
}: {
  texts: Iterable<string>;
  functionCalls?: Iterable<{ name?: unknown; args?: unknown }> | undefined;
}): number {
  const tokenizer = getTokenizer(encoding);
  let bpe = 0;
  let calls = 0;
  let generated = false;
  for (const text of texts) {
    if (text.length === 0) continue;
    generated = true;
    bpe += tokenizer.count(text);
  }
  for (const call of functionCalls) {
    generated = true;
    calls += 1;
    bpe += tokenizer.count(renderCall(call.name, call.args));
  }
  if (!generated) return 0;
  return Math.max(
    1,
    Math.round(bpe * geminiTokensPerBpeToken + calls * geminiTokensPerFunctionCall),
  );
}

/** What a prompt estimate counted, and how many parts it could not count (media, files). */
export interface GeminiPromptEstimate {
  tokens: number;
  excludedParts: number;
}

function listContents(value: GeminiPromptRequest['contents']): GeminiContentLike[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ parts: [{ text: value }] }];
  if (Array.isArray(value)) return value as GeminiContentLike[];
  return [value as GeminiContentLike];
}

/**
 * Estimates a `:generateContent` prompt as Gemini counts it (a REST body or the `@google/genai`
 * SDK's parameters): the text of `systemInstruction` and `contents` (function calls and responses as name and JSON), the `tools` as JSON, times
 * {@link geminiTokensPerBpeToken}, plus {@link geminiTokensPerContent} per content. Inline and
 * file data (images, audio, video, PDFs) cannot be counted locally: they are listed in
 * `excludedParts`, so the estimate is a lower bound.
 * @see https://ai.google.dev/api/tokens
 */
export function estimateGeminiPromptTokens({
  request,
}: {
  request: GeminiPromptRequest;
}): GeminiPromptEstimate {
  const tokenizer = getTokenizer(encoding);
  let bpe = 0;
  let excludedParts = 0;
  const countPart = (part: GeminiPartLike | null | undefined) => {
    if (!part || typeof part !== 'object') return;
    const functionCall = part.functionCall ?? part.function_call;
    const functionResponse = part.functionResponse ?? part.function_response;
    if (typeof part.text === 'string') bpe += tokenizer.count(part.text);
    else if (functionCall) {
      bpe += tokenizer.count(renderCall(functionCall.name, functionCall.args));
    } else if (functionResponse) {
      bpe += tokenizer.count(renderCall(functionResponse.name, functionResponse.response));
      // Media a function returned (Gemini 3 multimodal function responses).
      if (Array.isArray(functionResponse.parts)) {
        for (const nested of functionResponse.parts) countPart(nested as GeminiPartLike);
      }
    } else if (typeof part.executableCode?.code === 'string') {
      bpe += tokenizer.count(part.executableCode.code);
    } else if (typeof part.codeExecutionResult?.output === 'string') {
      bpe += tokenizer.count(part.codeExecutionResult.output);
    } else if (
      [part.inlineData, part.fileData, part.inline_data, part.file_data].some(
        (media) => media !== undefined && media !== null,
      )
    ) {
      excludedParts += 1;
    }
  };
  const contents = listContents(request.contents);
  const system = request.systemInstruction ?? request.config?.systemInstruction;
  for (const content of [...(system ? listContents(system) : []), ...contents]) {
    for (const part of Array.isArray(content?.parts) ? content.parts : []) countPart(part);
  }
  const tools = request.tools ?? request.config?.tools;
  if (tools !== undefined && tools !== null) bpe += tokenizer.count(JSON.stringify(tools) ?? '');
  const raw = bpe * geminiTokensPerBpeToken + contents.length * geminiTokensPerContent;
  return { tokens: Math.round(raw), excludedParts };
}
