import type { UsageLedger } from '../../../ledger/create-usage-ledger.js';
import type { OpenAILocalLogger } from '../../../server/openai-local-options.js';
import type { RequestContext } from '../../../server/request-context.js';
import { aggregateAnthropicReport } from './aggregate-anthropic-report.js';
import { parseReportQuery } from './parse-report-query.js';

/**
 * Answers Anthropic's `GET /v1/organizations/cost_report` (daily buckets, `group_by[]` of
 * `workspace_id` and `description`, `limit` / `page`) by pricing the Claude requests in the
 * ledger with its dated price table, in cents as decimal strings. A model without a price is
 * left out and logged (`event: "unpriced"`), never charged $0.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report
 */
export async function handleCostReport({
  context,
  ledger,
  query,
  logger,
}: {
  context: RequestContext;
  ledger: UsageLedger;
  query: URLSearchParams;
  logger?: OpenAILocalLogger | undefined;
}): Promise<void> {
  const parsed = parseReportQuery({ query, kind: 'cost', now: context.now });
  const unpriced = new Set<string>();
  const page = aggregateAnthropicReport({
    entries: ledger.entries(),
    query: parsed,
    kind: 'cost',
    onUnpriced: (entry) => unpriced.add(entry.model),
  });
  if (unpriced.size > 0) {
    logger?.warn(`cost report leaves out requests without a price: ${[...unpriced].join(', ')}`, {
      event: 'unpriced',
      models: [...unpriced],
    });
  }
  context.sendJson({ body: page });
}
