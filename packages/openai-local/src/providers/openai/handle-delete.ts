import { objectNotFound } from './handle-retrieve.js';
import type { StoredObjectRequest } from './stored-object-request.js';

/**
 * Answers `DELETE /v1/responses/{id}` and `DELETE /v1/chat/completions/{id}`: the stored object
 * is gone for retrieval from then on (404, as on OpenAI), while what its request billed stays in
 * the usage and costs reports.
 */
export async function handleDelete({
  context,
  ledger,
  endpoint,
  id,
}: StoredObjectRequest): Promise<void> {
  if (!ledger.deleteObject({ endpoint, id })) throw objectNotFound({ endpoint, id });
  context.sendJson({
    body:
      endpoint === 'responses'
        ? { id, object: 'response', deleted: true }
        : { object: 'chat.completion.deleted', id, deleted: true },
  });
}
