import { getTokenizer } from '@llm-meter/meter-core';
import { createJsonFromSchema } from '../../generation/create-json-from-schema.js';
import { createSeededRandom } from '../../generation/create-seeded-random.js';
import { generateSentences } from '../../generation/generate-sentences.js';
import { truncateToTokens } from '../../generation/split-into-token-chunks.js';
import type { GeminiModel } from './gemini-models.js';

/**
 * One generated Gemini answer: hidden thinking (counted, not shown), an optional thought
 * summary, then text or one function call, with token counts (`o200k_base`).
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
export interface GeminiAnswer {
  thoughtsTokens: number;
  /** The thought summary sent with `includeThoughts` (not billed apart: part of the thoughts). */
  thoughtSummary: string | undefined;
  /** The text, or the function call's arguments as JSON. */
  text: string;
  candidatesTokens: number;
  functionCall: { name: string } | undefined;
  finishReason: 'STOP' | 'MAX_TOKENS';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Gemini's OpenAPI-subset schemas spell types in capitals (`OBJECT`, `STRING`).
function lowerCaseTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowerCaseTypes);
  if (!isRecord(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([field, value]) => [
      field,
      field === 'type' && typeof value === 'string' ? value.toLowerCase() : lowerCaseTypes(value),
    ]),
  );
}

function forcedFunction(
  body: Record<string, unknown>,
): { name: string; schema: unknown } | undefined {
  const config = isRecord(body.toolConfig) ? body.toolConfig.functionCallingConfig : undefined;
  if (!isRecord(config) || config.mode !== 'ANY') return undefined;
  const declarations = (Array.isArray(body.tools) ? body.tools : [])
    .flatMap((tool) =>
      isRecord(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : [],
    )
    .filter(isRecord);
  const allowed = Array.isArray(config.allowedFunctionNames) ? config.allowedFunctionNames : [];
  const declaration =
    declarations.find((candidate) => allowed.includes(candidate.name)) ?? declarations[0];
  if (declaration === undefined) return undefined;
  return {
    name: String(declaration.name),
    schema: lowerCaseTypes(declaration.parametersJsonSchema ?? declaration.parameters ?? {}),
  };
}

/**
 * Generates the deterministic answer for a generateContent request: thinking as the model and
 * `thinkingConfig.thinkingBudget` allow (counted toward `maxOutputTokens` first), then JSON for
 * a response schema, a function call for `functionCallingConfig.mode: "ANY"`, or sentences.
 * @see https://ai.google.dev/api/generate-content
 */
export function createGeminiAnswer({
  key,
  model,
  body,
}: {
  key: string;
  model: GeminiModel;
  body: Record<string, unknown>;
}): GeminiAnswer {
  const tokenizer = getTokenizer('o200k_base');
  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  const thinkingConfig = isRecord(config.thinkingConfig) ? config.thinkingConfig : {};
  const budget =
    typeof thinkingConfig.thinkingBudget === 'number' ? thinkingConfig.thinkingBudget : -1;
  const maxOutputTokens =
    typeof config.maxOutputTokens === 'number' ? config.maxOutputTokens : Number.POSITIVE_INFINITY;
  const thinks =
    model.thinking === 'always' ||
    (model.thinking === 'default' && budget !== 0) ||
    (model.thinking === 'off' && budget > 0);
  const random = createSeededRandom(key);
  let thoughtsTokens = 0;
  if (thinks) {
    const wanted = createSeededRandom(`thinking:${key}`).integer({ min: 100, max: 800 });
    thoughtsTokens = Math.min(wanted, budget > 0 ? budget : wanted, maxOutputTokens);
  }
  const thoughtSummary =
    thinks && thinkingConfig.includeThoughts === true
      ? generateSentences({ random: createSeededRandom(`thought-summary:${key}`), maxSentences: 2 })
      : undefined;
  const remaining = maxOutputTokens - thoughtsTokens;
  const forced = forcedFunction(body);
  if (forced !== undefined) {
    const args = JSON.stringify(createJsonFromSchema({ schema: forced.schema, random }));
    const tokens = tokenizer.encode(`${forced.name}${args}`).length;
    if (tokens <= remaining) {
      return {
        thoughtsTokens,
        thoughtSummary,
        text: args,
        candidatesTokens: tokens,
        functionCall: { name: forced.name },
        finishReason: 'STOP',
      };
    }
  }
  const schema = config.responseJsonSchema ?? config.responseSchema;
  const full =
    schema !== undefined
      ? JSON.stringify(createJsonFromSchema({ schema: lowerCaseTypes(schema), random }))
      : config.responseMimeType === 'application/json'
        ? JSON.stringify({ answer: generateSentences({ random, maxSentences: 2 }) })
        : generateSentences({ random });
  const cut = truncateToTokens({ text: full, maxTokens: Math.max(0, remaining), tokenizer });
  return {
    thoughtsTokens,
    thoughtSummary,
    text: cut.text,
    candidatesTokens: cut.tokens,
    functionCall: undefined,
    finishReason: cut.truncated ? 'MAX_TOKENS' : 'STOP',
  };
}
