import type { BilledEndpoint } from '../../ledger/billed-request.js';
import type { UsageLedger } from '../../ledger/create-usage-ledger.js';
import type { RequestContext } from '../../server/request-context.js';
import { objectNotFound } from './handle-retrieve.js';

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
}: {
  context: RequestContext;
  ledger: UsageLedger;
  endpoint: Exclude<BilledEndpoint, 'embeddings'>;
  id: string;
}): Promise<void> {
  if (!ledger.deleteObject({ endpoint, id })) throw objectNotFound({ endpoint, id });
  context.sendJson({
    body:
      endpoint === 'responses'
        ? { id, object: 'response', deleted: true }
        : { object: 'chat.completion.deleted', id, deleted: true },
  });
}
