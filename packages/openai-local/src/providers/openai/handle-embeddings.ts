import { countTokens } from '@llm-meter/meter-core';
import { stableStringify } from '../../generation/stable-stringify.js';
import type { RequestContext } from '../../server/request-context.js';
import { createEmbedding, encodeEmbeddingBase64 } from './create-embedding.js';
import { embeddingDimensionsFor } from './known-models.js';
import { createInvalidRequestError } from './openai-error.js';
import { readModel, readPositiveInteger } from './request-fields.js';
import { resolveModelEncoding } from './resolve-model-encoding.js';

type EmbeddingInput = string | number[];

function isTokenArray(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((token) => Number.isInteger(token) && token >= 0)
  );
}

function readInputs(input: unknown): EmbeddingInput[] {
  if (typeof input === 'string' && input !== '') return [input];
  if (isTokenArray(input)) return [input];
  if (Array.isArray(input) && input.length > 0 && input.length <= 2048) {
    if (input.every((item) => typeof item === 'string' && item !== '')) return input as string[];
    if (input.every(isTokenArray)) return input as number[][];
  }
  throw createInvalidRequestError({
    param: 'input',
    message:
      "Invalid 'input': expected a non-empty string, an array of up to 2048 non-empty strings, an array of tokens or an array of token arrays.",
    code: 'invalid_value',
  });
}

/**
 * Answers `POST /v1/embeddings` with deterministic unit vectors (`float` or `base64`), the
 * model's size or `dimensions`, and usage counted with meter-core (token arrays count their
 * length).
 */
export async function handleEmbeddings(context: RequestContext): Promise<void> {
  const { body } = context;
  const model = readModel(body);
  const encoding = resolveModelEncoding({
    model,
    endpoint: 'embeddings',
    served: context.models,
  });
  const inputs = readInputs(body.input);
  const modelDimensions = embeddingDimensionsFor(model) ?? 1536;
  const supportsDimensions = model.startsWith('text-embedding-3');
  if (!supportsDimensions && body.dimensions !== undefined && body.dimensions !== null) {
    throw createInvalidRequestError({
      param: 'dimensions',
      message: `This model does not support specifying dimensions: remove 'dimensions' or use text-embedding-3-small / -large.`,
    });
  }
  const dimensions =
    readPositiveInteger({ body, field: 'dimensions', maximum: modelDimensions }) ?? modelDimensions;
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw createInvalidRequestError({
      param: 'encoding_format',
      message: "Invalid value for 'encoding_format': use 'float' or 'base64'.",
      code: 'invalid_value',
    });
  }
  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    promptTokens +=
      typeof input === 'string' ? countTokens({ text: input, model, encoding }) : input.length;
    const vector = createEmbedding({
      key: `${context.seed}:${model}:${stableStringify(input)}`,
      modelDimensions,
      dimensions,
    });
    return {
      object: 'embedding',
      index,
      embedding: format === 'base64' ? encodeEmbeddingBase64(vector) : vector,
    };
  });
  context.bill({
    id: context.requestId,
    endpoint: 'embeddings',
    model,
    service_tier: 'default',
    outcome: 'completed',
    input_tokens: promptTokens,
    input_cached_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    object: null,
  });
  context.sendJson({
    body: {
      object: 'list',
      data,
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
  });
}
