import type { RequestContext } from '../../server/request-context.js';
import { OpenAIError } from './openai-error.js';

/**
 * Answers `GET /v1/models` (the list) and `GET /v1/models/{id}` (one model, 404 when not served).
 */
export async function handleModels({
  context,
  modelId,
}: {
  context: RequestContext;
  modelId: string | undefined;
}): Promise<void> {
  if (modelId === undefined) {
    context.sendJson({ body: { object: 'list', data: [...context.models.values()] } });
    return;
  }
  const model = context.models.get(modelId);
  if (model === undefined) {
    throw new OpenAIError({
      status: 404,
      message: `The model '${modelId}' does not exist`,
      param: 'model',
      code: 'model_not_found',
    });
  }
  context.sendJson({ body: model });
}
