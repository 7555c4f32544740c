import { type EncodingName, encodingForModel } from '@llm-meter/meter-core';
import { embeddingDimensionsFor, knownModels } from './known-models.js';
import { OpenAIError } from './openai-error.js';

const knownIds = new Set(knownModels.map((model) => model.id));

function modelNotFound(model: string, detail = ''): OpenAIError {
  return new OpenAIError({
    status: 404,
    message: `The model \`${model}\` does not exist or you do not have access to it.${detail}`,
    code: 'model_not_found',
  });
}

/**
 * Checks that a model can serve an endpoint and returns its token encoding: any name meter-core
 * can tokenize is accepted (so new snapshots work), embedding models only on `/v1/embeddings`.
 * Throws a 404 `model_not_found` {@link OpenAIError} otherwise.
 * @see https://platform.openai.com/docs/models
 */
export function resolveModelEncoding({
  model,
  endpoint,
}: {
  model: string;
  endpoint: 'chat' | 'embeddings';
}): EncodingName {
  let encoding: EncodingName;
  try {
    encoding = encodingForModel(model);
  } catch (error) {
    if (knownIds.has(model)) return 'o200k_base';
    throw Object.assign(modelNotFound(model), { cause: error });
  }
  const isEmbedding = embeddingDimensionsFor(model) !== undefined;
  if (endpoint === 'embeddings' && !isEmbedding) {
    throw modelNotFound(
      model,
      ' It is not an embedding model: use text-embedding-3-small, text-embedding-3-large or text-embedding-ada-002.',
    );
  }
  if (endpoint === 'chat' && (isEmbedding || model.startsWith('text-'))) {
    throw modelNotFound(
      model,
      ' This is not a chat model: use it with /v1/embeddings, or pick a chat model such as gpt-4o-mini.',
    );
  }
  return encoding;
}
