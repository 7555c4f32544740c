import { GeminiError } from './gemini-error.js';

/**
 * One Gemini model openai-local answers and how it thinks.
 * @see https://ai.google.dev/gemini-api/docs/models
 */
export interface GeminiModel {
  id: string;
  /** `always`: thinks whatever the budget (2.5 Pro); `default`: thinks unless the budget is 0; `off`: thinks only with a budget; `never`. */
  thinking: 'always' | 'default' | 'off' | 'never';
}

const models: GeminiModel[] = [
  { id: 'gemini-2.5-flash', thinking: 'default' },
  { id: 'gemini-2.5-pro', thinking: 'always' },
  { id: 'gemini-2.5-flash-lite', thinking: 'off' },
  { id: 'gemini-2.0-flash', thinking: 'never' },
];

/**
 * The Gemini models openai-local answers, by id.
 * @see https://ai.google.dev/gemini-api/docs/models
 */
export const geminiModels: ReadonlyMap<string, GeminiModel> = new Map(
  models.map((model) => [model.id, model]),
);

/**
 * Looks a model up (`models/` prefix allowed), or throws Google's 404 `NOT_FOUND` as the Gemini
 * API words it.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function resolveGeminiModel({
  model,
  method,
  apiVersion,
}: {
  model: string;
  method: string;
  apiVersion: string;
}): GeminiModel {
  const found = geminiModels.get(model.replace(/^models\//, ''));
  if (found === undefined) {
    throw new GeminiError({
      status: 404,
      message: `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. openai-local answers ${models.map((entry) => entry.id).join(', ')}.`,
    });
  }
  return found;
}
