import type { UsageLedger } from '../../../ledger/create-usage-ledger.js';
import type { PriceRow } from '../../../ledger/price-table.js';
import type { OpenAILocalLogger } from '../../../server/openai-local-options.js';
import type { RequestContext } from '../../../server/request-context.js';
import { aggregateUsage } from './aggregate-usage.js';
import { parseUsageQuery } from './parse-usage-query.js';

/**
 * Answers `GET /v1/organization/costs` (daily buckets, `group_by` `line_item` and `project_id`,
 * `limit`/`page`) by pricing what openai-local billed with its dated price table, on the tier
 * that served each request. Requests on a model or tier without a price row are left out and
 * logged (`event: "unpriced"`), never charged $0.
 */
export async function handleCosts({
  context,
  ledger,
  query,
  prices,
  logger,
}: {
  context: RequestContext;
  ledger: UsageLedger;
  query: URLSearchParams;
  prices?: readonly PriceRow[] | undefined;
  logger?: OpenAILocalLogger | undefined;
}): Promise<void> {
  const parsed = parseUsageQuery({ query, kind: 'costs', now: context.now });
  const unpriced = new Set<string>();
  const page = aggregateUsage({
    entries: ledger.entries(),
    query: parsed,
    kind: 'costs',
    prices,
    onUnpriced: (entry) => unpriced.add(`${entry.model} (${entry.service_tier})`),
  });
  if (unpriced.size > 0) {
    logger?.warn(`costs leave out requests without a price: ${[...unpriced].join(', ')}`, {
      event: 'unpriced',
      models: [...unpriced],
    });
  }
  context.sendJson({ body: page });
}
