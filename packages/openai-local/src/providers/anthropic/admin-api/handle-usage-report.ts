import type { UsageLedger } from '../../../ledger/create-usage-ledger.js';
import type { RequestContext } from '../../../server/request-context.js';
import { aggregateAnthropicReport } from './aggregate-anthropic-report.js';
import { parseReportQuery } from './parse-report-query.js';

/**
 * Answers Anthropic's `GET /v1/organizations/usage_report/messages` (admin key checked before)
 * from the Claude requests in the ledger: buckets of 1m, 1h or 1d, `group_by[]`, filters and
 * `limit` / `page` pagination, in Anthropic's shape.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export async function handleUsageReport({
  context,
  ledger,
  query,
}: {
  context: RequestContext;
  ledger: UsageLedger;
  query: URLSearchParams;
}): Promise<void> {
  const parsed = parseReportQuery({ query, kind: 'usage', now: context.now });
  context.sendJson({
    body: aggregateAnthropicReport({ entries: ledger.entries(), query: parsed, kind: 'usage' }),
  });
}
