import type { UsageLedger } from '../../../ledger/create-usage-ledger.js';
import type { RequestContext } from '../../../server/request-context.js';
import { OpenAIError } from '../openai-error.js';
import { aggregateUsage } from './aggregate-usage.js';
import { parseUsageQuery } from './parse-usage-query.js';

/**
 * Answers `GET /v1/organization/usage/completions` and `/v1/organization/usage/embeddings` from
 * what openai-local billed (admin key checked before): buckets of 1m, 1h or 1d, `group_by`,
 * filters and `limit`/`page` pagination, in OpenAI's page shape.
 */
export async function handleOrganizationUsage({
  context,
  ledger,
  kind,
  query,
}: {
  context: RequestContext;
  ledger: UsageLedger;
  kind: string;
  query: URLSearchParams;
}): Promise<void> {
  if (kind !== 'completions' && kind !== 'embeddings') {
    throw new OpenAIError({
      status: 404,
      message: `Invalid URL (GET /v1/organization/usage/${kind}): openai-local reports usage for completions and embeddings only.`,
    });
  }
  const parsed = parseUsageQuery({ query, kind, now: context.now });
  context.sendJson({ body: aggregateUsage({ entries: ledger.entries(), query: parsed, kind }) });
}
