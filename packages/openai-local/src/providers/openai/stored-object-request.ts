import type { BilledEndpoint } from '../../ledger/billed-request.js';
import type { UsageLedger } from '../../ledger/create-usage-ledger.js';
import type { RequestContext } from '../../server/request-context.js';

/** The endpoints whose answers openai-local stores for retrieval and deletion. */
export type StoredEndpoint = Exclude<BilledEndpoint, 'embeddings'>;

/** A request for one stored object (`GET` or `DELETE /v1/responses/{id}`, likewise chat completions). */
export interface StoredObjectRequest {
  context: RequestContext;
  ledger: UsageLedger;
  endpoint: StoredEndpoint;
  id: string;
}
