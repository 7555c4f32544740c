import type { BilledRequest } from '../../../ledger/billed-request.js';
import { type AnthropicPriceRow, anthropicPriceTable } from './anthropic-price-table.js';
import {
  type AnthropicReportKind,
  createReportPageToken,
  type ReportQuery,
} from './parse-report-query.js';

/**
 * One page of a usage or cost report: buckets with their results, in Anthropic's shape.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export interface AnthropicReportPage {
  data: Array<{ starting_at: string; ending_at: string; results: Array<Record<string, unknown>> }>;
  has_more: boolean;
  next_page: string | null;
}

// The one workspace openai-local bills to is the Default Workspace, which Anthropic reports as null.
const defaultWorkspaceId = null;
const longContextTokens = 200_000;

/** A ledger entry's values of the report's dimensions. */
function dimensionsOf(entry: BilledRequest): Record<string, string | null> {
  return {
    api_key_id: entry.api_key_id,
    workspace_id: defaultWorkspaceId,
    model: entry.model,
    service_tier: entry.service_tier,
    context_window: entry.input_tokens > longContextTokens ? '200k-1M' : '0-200k',
    inference_geo: 'not_available',
  };
}

function tokenCounts(entry: BilledRequest) {
  const write5m = entry.input_cache_write_5m_tokens ?? 0;
  const write1h = entry.input_cache_write_1h_tokens ?? 0;
  return {
    uncached: entry.input_tokens - entry.input_cached_tokens - write5m - write1h,
    read: entry.input_cached_tokens,
    write5m,
    write1h,
    output: entry.output_tokens,
  };
}

/** One priced token type of one entry, as a cost line. */
interface CostLine {
  entry: BilledRequest;
  tokenType: string;
  description: string;
  cents: number;
}

const tokenTypes: Array<{
  tokenType: string;
  label: string;
  count: (counts: ReturnType<typeof tokenCounts>) => number;
  price: (row: AnthropicPriceRow) => number;
}> = [
  {
    tokenType: 'uncached_input_tokens',
    label: 'Input Tokens',
    count: (c) => c.uncached,
    price: (r) => r.input,
  },
  {
    tokenType: 'output_tokens',
    label: 'Output Tokens',
    count: (c) => c.output,
    price: (r) => r.output,
  },
  {
    tokenType: 'cache_read_input_tokens',
    label: 'Input Tokens, Cache Read',
    count: (c) => c.read,
    price: (r) => r.cacheRead,
  },
  {
    tokenType: 'cache_creation.ephemeral_5m_input_tokens',
    label: 'Input Tokens, Cache Write (5m)',
    count: (c) => c.write5m,
    price: (r) => r.cacheWrite5m,
  },
  {
    tokenType: 'cache_creation.ephemeral_1h_input_tokens',
    label: 'Input Tokens, Cache Write (1h)',
    count: (c) => c.write1h,
    price: (r) => r.cacheWrite1h,
  },
];

/**
 * Prices one billed Claude request into cost lines, one per token type it used, in cents. A
 * model without a price row yields none and is reported through `onUnpriced`, never $0.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report
 */
export function priceAnthropicRequest({
  entry,
  onUnpriced,
}: {
  entry: BilledRequest;
  onUnpriced?: ((entry: BilledRequest) => void) | undefined;
}): CostLine[] {
  const row = anthropicPriceTable.find((candidate) => candidate.model === entry.model);
  if (row === undefined) {
    onUnpriced?.(entry);
    return [];
  }
  const counts = tokenCounts(entry);
  return tokenTypes
    .filter((type) => type.count(counts) > 0)
    .map((type) => ({
      entry,
      tokenType: type.tokenType,
      description: `${entry.model} Usage - ${type.label}`,
      // USD per million tokens → cents.
      cents: (type.count(counts) * type.price(row)) / 1e4,
    }));
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Builds one page of Anthropic's Messages usage report or cost report from the ledger's
 * Anthropic entries: every bucket of the page in order (empty ones with `results: []`), one
 * result per combination of the `group_by[]` fields (ungrouped fields are null), and
 * `next_page` while buckets remain before `ending_at`.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report
 */
export function aggregateAnthropicReport({
  entries,
  query,
  kind,
  onUnpriced,
}: {
  entries: readonly BilledRequest[];
  query: ReportQuery;
  kind: AnthropicReportKind;
  onUnpriced?: ((entry: BilledRequest) => void) | undefined;
}): AnthropicReportPage {
  const starts: number[] = [];
  let start = query.pageStart;
  while (start < query.endTime && starts.length < query.limit) {
    starts.push(start);
    start += query.bucketSeconds;
  }
  const pageEnd = start;
  const groups = starts.map(
    () =>
      new Map<
        string,
        { values: Record<string, unknown>; entries: BilledRequest[]; lines: CostLine[] }
      >(),
  );
  for (const entry of entries) {
    if (entry.provider !== 'anthropic') continue;
    if (entry.created_at < query.pageStart || entry.created_at >= Math.min(pageEnd, query.endTime))
      continue;
    const dimensions = dimensionsOf(entry);
    if (
      Object.entries(query.filters).some(
        ([field, values]) => !values.includes(String(dimensions[field])),
      )
    )
      continue;
    const bucket = groups[Math.floor((entry.created_at - query.pageStart) / query.bucketSeconds)];
    if (bucket === undefined) continue;
    const items: Array<{ values: Record<string, unknown>; line: CostLine | undefined }> =
      kind === 'cost'
        ? priceAnthropicRequest({ entry, onUnpriced }).map((line) => ({
            values: { ...dimensions, description: line.description },
            line,
          }))
        : [{ values: dimensions, line: undefined }];
    for (const item of items) {
      const values = Object.fromEntries(
        query.groupBy.map((field) => [field, item.values[field] ?? null]),
      );
      const key = JSON.stringify(query.groupBy.map((field) => values[field]));
      const group = bucket.get(key) ?? {
        values: { ...values, _line: item.line },
        entries: [],
        lines: [],
      };
      group.entries.push(entry);
      if (item.line !== undefined) group.lines.push(item.line);
      bucket.set(key, group);
    }
  }
  const data = starts.map((bucketStart, index) => {
    const sorted = [...(groups[index]?.entries() ?? [])].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return {
      starting_at: rfc3339(bucketStart),
      ending_at: rfc3339(bucketStart + query.bucketSeconds),
      results: sorted.map(([, group]) =>
        kind === 'cost' ? createCostResult({ group, query }) : createUsageResult({ group, query }),
      ),
    };
  });
  const hasMore = pageEnd < query.endTime;
  return { data, has_more: hasMore, next_page: hasMore ? createReportPageToken(pageEnd) : null };
}

function grouped({
  values,
  query,
  field,
}: {
  values: Record<string, unknown>;
  query: ReportQuery;
  field: string;
}) {
  return query.groupBy.includes(field) ? (values[field] ?? null) : null;
}

function createUsageResult({
  group,
  query,
}: {
  group: { values: Record<string, unknown>; entries: BilledRequest[] };
  query: ReportQuery;
}): Record<string, unknown> {
  const sum = (read: (counts: ReturnType<typeof tokenCounts>) => number) =>
    group.entries.reduce((total, entry) => total + read(tokenCounts(entry)), 0);
  return {
    uncached_input_tokens: sum((counts) => counts.uncached),
    cache_creation: {
      ephemeral_1h_input_tokens: sum((counts) => counts.write1h),
      ephemeral_5m_input_tokens: sum((counts) => counts.write5m),
    },
    cache_read_input_tokens: sum((counts) => counts.read),
    output_tokens: sum((counts) => counts.output),
    // openai-local simulates no server tools.
    server_tool_use: { web_search_requests: 0 },
    api_key_id: grouped({ values: group.values, query, field: 'api_key_id' }),
    workspace_id: grouped({ values: group.values, query, field: 'workspace_id' }),
    model: grouped({ values: group.values, query, field: 'model' }),
    service_tier: grouped({ values: group.values, query, field: 'service_tier' }),
    context_window: grouped({ values: group.values, query, field: 'context_window' }),
    inference_geo: grouped({ values: group.values, query, field: 'inference_geo' }),
  };
}

function createCostResult({
  group,
  query,
}: {
  group: { values: Record<string, unknown>; lines: CostLine[] };
  query: ReportQuery;
}): Record<string, unknown> {
  const cents = group.lines.reduce((total, line) => total + line.cents, 0);
  const byDescription = query.groupBy.includes('description');
  const line = group.values._line as CostLine | undefined;
  const dimensions = line === undefined ? undefined : dimensionsOf(line.entry);
  return {
    currency: 'USD',
    // Cents as a decimal string, binary noise (0.1 + 0.2) rounded away.
    amount: String(Math.round(cents * 1e8) / 1e8),
    workspace_id: grouped({ values: group.values, query, field: 'workspace_id' }),
    description: byDescription ? (line?.description ?? null) : null,
    cost_type: byDescription ? 'tokens' : null,
    context_window: byDescription ? (dimensions?.context_window ?? null) : null,
    model: byDescription ? (line?.entry.model ?? null) : null,
    service_tier: byDescription ? (line?.entry.service_tier ?? null) : null,
    token_type: byDescription ? (line?.tokenType ?? null) : null,
    inference_geo: null,
  };
}
