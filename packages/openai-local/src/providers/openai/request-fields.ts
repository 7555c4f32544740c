import { createInvalidRequestError } from './openai-error.js';

/**
 * Reads an optional positive integer field, throwing OpenAI's 400 naming the field otherwise.
 */
export function readPositiveInteger({
  body,
  field,
  minimum = 1,
  maximum = Number.MAX_SAFE_INTEGER,
}: {
  body: Record<string, unknown>;
  field: string;
  minimum?: number;
  maximum?: number;
}): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw createInvalidRequestError({
      param: field,
      message: `Invalid type for '${field}': expected an integer, but got ${typeof value === 'string' ? 'a string' : JSON.stringify(value)} instead.`,
      code: 'invalid_type',
    });
  }
  if (value < minimum) {
    throw createInvalidRequestError({
      param: field,
      message: `Invalid '${field}': integer below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`,
      code: 'integer_below_min_value',
    });
  }
  if (value > maximum) {
    throw createInvalidRequestError({
      param: field,
      message: `Invalid '${field}': integer above maximum value. Expected a value <= ${maximum}, but got ${value} instead.`,
      code: 'integer_above_max_value',
    });
  }
  return value;
}

/**
 * Reads the required `model` field, throwing OpenAI's 400 when it is missing or not a string.
 */
export function readModel(body: Record<string, unknown>): string {
  const model = body.model;
  if (typeof model !== 'string' || model === '') {
    throw createInvalidRequestError({
      param: 'model',
      message: "Missing required parameter: 'model'. Name a model such as gpt-4o-mini.",
      code: 'missing_required_parameter',
    });
  }
  return model;
}

/**
 * Tells whether a value is a JSON object (not null, not an array).
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
