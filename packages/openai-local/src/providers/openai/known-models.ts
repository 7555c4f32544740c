/**
 * One entry of `GET /v1/models`.
 * @see https://platform.openai.com/docs/api-reference/models/object
 */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

// Alias -> the dated snapshot OpenAI reports in `model` of its answers.
const snapshots: Record<string, string> = {
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5-nano': 'gpt-5-nano-2025-08-07',
  'gpt-5.1': 'gpt-5.1-2025-11-13',
  'gpt-5.2': 'gpt-5.2-2025-12-11',
  o1: 'o1-2024-12-17',
  'o3-mini': 'o3-mini-2025-01-31',
  o3: 'o3-2025-04-16',
  'o4-mini': 'o4-mini-2025-04-16',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
  'gpt-4-turbo': 'gpt-4-turbo-2024-04-09',
};

const otherModels = [
  'gpt-4o-2024-05-13',
  'gpt-4o-2024-11-20',
  'gpt-4',
  'gpt-4-0613',
  'gpt-3.5-turbo-1106',
  'gpt-5-chat-latest',
  'chatgpt-4o-latest',
];

/** Embedding models with their default vector size. */
const embeddingDimensions: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/**
 * The models openai-local serves by default, as `GET /v1/models` lists them: current aliases,
 * their dated snapshots and the embedding models. Any other name answers 404
 * `model_not_found`, as OpenAI does, unless it is added with the `models` option.
 * @see https://platform.openai.com/docs/models
 */
export const knownModels: readonly ModelObject[] = [
  ...new Set([
    ...Object.keys(snapshots),
    ...Object.values(snapshots),
    ...otherModels,
    ...Object.keys(embeddingDimensions),
  ]),
].map((id) => createModelObject(id));

function createModelObject(id: string, ownedBy?: string): ModelObject {
  return {
    id,
    object: 'model' as const,
    created: 1_700_000_000,
    owned_by:
      ownedBy ??
      (id.startsWith('text-embedding-ada') || id.startsWith('gpt-3.5')
        ? 'openai-internal'
        : 'system'),
  };
}

/**
 * The models a server answers, by id: {@link knownModels} plus the names given in the `models`
 * option (a fine-tune, an OpenAI-compatible server's names), which are listed as owned by
 * `user`.
 */
export function createServedModels({
  models = [],
}: {
  models?: readonly string[] | undefined;
}): ReadonlyMap<string, ModelObject> {
  const served = new Map(knownModels.map((model) => [model.id, model]));
  for (const id of models) if (!served.has(id)) served.set(id, createModelObject(id, 'user'));
  return served;
}

/**
 * Returns the name OpenAI reports for a requested model: the dated snapshot for an alias, the
 * name itself otherwise.
 */
export function resolveModelSnapshot(model: string): string {
  return snapshots[model] ?? model;
}

/**
 * Tells whether a model thinks before answering (o-series and gpt-5 except the chat variants),
 * so its usage carries `reasoning_tokens`.
 */
export function isReasoningModel(model: string): boolean {
  if (/^o\d/.test(model)) return true;
  return /^gpt-5/.test(model) && !model.includes('chat');
}

/**
 * Returns the default vector size of an embedding model, or undefined for other models.
 */
export function embeddingDimensionsFor(model: string): number | undefined {
  const base = Object.keys(embeddingDimensions).find(
    (name) => model === name || model.startsWith(`${name}-`),
  );
  return base === undefined ? undefined : embeddingDimensions[base];
}
