import { type EncodingName, encodingForModel } from '@llm-meter/meter-core';
import { embeddingDimensionsFor } from './known-models.js';
import { OpenAIError } from './openai-error.js';

function modelNotFound(model: string, detail = ''): OpenAIError {
  return new OpenAIError({
    status: 404,
    message: `The model \`${model}\` does not exist or you do not have access to it.${detail}`,
    code: 'model_not_found',
  });
}

/**
 * Checks that a model can serve an endpoint and returns its token encoding. Only the models the
 * server serves (`knownModels` plus the `models` option) are answered, the others get OpenAI's
 * 404 `model_not_found`; a served name meter-core cannot tokenize (a custom name) counts with
 * `o200k_base`. Embedding models answer only on `/v1/embeddings`, chat models only elsewhere.
 */
export function resolveModelEncoding({
  model,
  endpoint,
  served,
}: {
  model: string;
  endpoint: 'chat' | 'embeddings';
  /** The ids the server answers. */
  served: ReadonlySet<string> | ReadonlyMap<string, unknown>;
}): EncodingName {
  if (!served.has(model)) throw modelNotFound(model);
  let encoding: EncodingName;
  try {
    encoding = encodingForModel(model);
  } catch {
    // A custom name (`models` option): counted like OpenAI's current models.
    encoding = 'o200k_base';
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
