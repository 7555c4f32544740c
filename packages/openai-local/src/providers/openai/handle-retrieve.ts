import { OpenAIError } from './openai-error.js';
import type { StoredObjectRequest } from './stored-object-request.js';

/**
 * Answers `GET /v1/responses/{id}` and `GET /v1/chat/completions/{id}` with the object as
 * openai-local billed it: the full answer, or for a stream that ended early the output and usage
 * generated up to that point (`status: "incomplete"` or `"failed"` for a response, no
 * `finish_reason` for a chat completion). Chat completions are kept only when created with
 * `store: true`, responses unless created with `store: false`, as OpenAI does; others answer 404.
 * A Responses stream still being generated answers `status: "in_progress"` without usage.
 */
export async function handleRetrieve({
  context,
  ledger,
  endpoint,
  id,
}: StoredObjectRequest): Promise<void> {
  const entry = ledger.find({ endpoint, id });
  const inProgress = entry === undefined ? ledger.findInProgress({ endpoint, id }) : undefined;
  if (inProgress !== undefined) {
    context.sendJson({ body: inProgress });
    return;
  }
  if (entry?.object == null) throw objectNotFound({ endpoint, id });
  context.sendJson({ body: entry.object });
}

/** OpenAI's 404 for a stored object that does not exist (or is not kept, or was deleted). */
export function objectNotFound({
  endpoint,
  id,
}: Pick<StoredObjectRequest, 'endpoint' | 'id'>): OpenAIError {
  const what = endpoint === 'responses' ? 'Response' : 'Chat completion';
  const hint =
    endpoint === 'responses'
      ? 'responses created with store: false are not kept'
      : 'chat completions are kept only when created with store: true';
  return new OpenAIError({
    status: 404,
    message: `${what} with id '${id}' not found. (openai-local: ${hint}; without a data directory nothing outlives a restart.)`,
    param: endpoint === 'responses' ? 'response_id' : 'completion_id',
  });
}
