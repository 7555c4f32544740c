import type { BilledRequest } from '../../../ledger/billed-request.js';
import { findPrice, type PriceRow } from '../../../ledger/price-table.js';
import { createPageCursor, type UsageQuery, type UsageReportKind } from './parse-usage-query.js';

/**
 * One bucket of a Usage or Costs page.
 */
export interface UsageBucket {
  object: 'bucket';
  start_time: number;
  end_time: number;
  results: Array<Record<string, unknown>>;
}

/**
 * A page of the Usage or Costs API.
 */
export interface UsagePage {
  object: 'page';
  data: UsageBucket[];
  has_more: boolean;
  next_page: string | null;
}

const groupedFields: Record<UsageReportKind, string[]> = {
  completions: ['project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier'],
  embeddings: ['project_id', 'user_id', 'api_key_id', 'model'],
  costs: ['project_id', 'line_item'],
};

/**
 * One priced part of a billed request, as a Costs API line item.
 */
export interface CostLine {
  entry: BilledRequest;
  line_item: string;
  value: number;
}

/**
 * Splits a billed request into priced line items (`<model>, input`, `<model>, cached input`,
 * `<model>, output`; other tiers than default put the tier first: `<model>, flex input`). A
 * model or tier without a price row yields no lines and is reported through `onUnpriced`.
 */
export function priceBilledRequest({
  entry,
  prices,
  onUnpriced,
}: {
  entry: BilledRequest;
  prices?: readonly PriceRow[] | undefined;
  onUnpriced?: ((entry: BilledRequest) => void) | undefined;
}): CostLine[] {
  const row = findPrice({ model: entry.model, tier: entry.service_tier, prices });
  if (row === undefined) {
    onUnpriced?.(entry);
    return [];
  }
  const tier = entry.service_tier === 'default' ? '' : `${entry.service_tier} `;
  const uncached = entry.input_tokens - entry.input_cached_tokens;
  const lines: CostLine[] = [
    { entry, line_item: `${entry.model}, ${tier}input`, value: (uncached * row.input) / 1e6 },
  ];
  if (entry.input_cached_tokens > 0) {
    lines.push({
      entry,
      line_item: `${entry.model}, ${tier}cached input`,
      value: (entry.input_cached_tokens * (row.cachedInput ?? row.input)) / 1e6,
    });
  }
  if (entry.output_tokens > 0) {
    lines.push({
      entry,
      line_item: `${entry.model}, ${tier}output`,
      value: (entry.output_tokens * row.output) / 1e6,
    });
  }
  return lines;
}

function matchesFilters({ entry, query }: { entry: BilledRequest; query: UsageQuery }): boolean {
  for (const [field, values] of Object.entries(query.filters)) {
    if (!values.includes(String(entry[field as keyof BilledRequest]))) return false;
  }
  return query.batch === undefined || entry.batch === query.batch;
}

function createResult({
  kind,
  items,
  groupValues,
}: {
  kind: UsageReportKind;
  items: Array<{ entry: BilledRequest; line?: CostLine }>;
  groupValues: Record<string, unknown>;
}): Record<string, unknown> {
  const groups = Object.fromEntries(
    groupedFields[kind].map((field) => [field, groupValues[field] ?? null]),
  );
  if (kind === 'costs') {
    const value = items.reduce((sum, item) => sum + (item.line?.value ?? 0), 0);
    // Round away binary noise (0.1 + 0.2); OpenAI reports amounts as plain decimal numbers.
    return {
      object: 'organization.costs.result',
      amount: { value: Math.round(value * 1e10) / 1e10, currency: 'usd' },
      ...groups,
    };
  }
  const sum = (read: (entry: BilledRequest) => number) =>
    items.reduce((total, item) => total + read(item.entry), 0);
  if (kind === 'embeddings') {
    return {
      object: 'organization.usage.embeddings.result',
      input_tokens: sum((entry) => entry.input_tokens),
      num_model_requests: items.length,
      ...groups,
    };
  }
  return {
    object: 'organization.usage.completions.result',
    input_tokens: sum((entry) => entry.input_tokens),
    output_tokens: sum((entry) => entry.output_tokens),
    input_cached_tokens: sum((entry) => entry.input_cached_tokens),
    input_uncached_tokens: sum((entry) => entry.input_tokens - entry.input_cached_tokens),
    // OpenAI's models that openai-local serves bill no separate cache writes.
    input_cache_write_tokens: 0,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
    num_model_requests: items.length,
    ...groups,
  };
}

/**
 * Builds one page of the organisation Usage (completions, embeddings) or Costs report from
 * billed requests: every bucket of the page in order (empty ones with `results: []`), one result
 * per combination of the `group_by` fields (ungrouped fields are null), and `next_page` while
 * buckets remain before `end_time`.
 */
export function aggregateUsage({
  entries,
  query,
  kind,
  prices,
  onUnpriced,
}: {
  entries: readonly BilledRequest[];
  query: UsageQuery;
  kind: UsageReportKind;
  prices?: readonly PriceRow[] | undefined;
  onUnpriced?: ((entry: BilledRequest) => void) | undefined;
}): UsagePage {
  const wanted =
    kind === 'embeddings'
      ? ['embeddings']
      : kind === 'completions'
        ? ['chat.completions', 'responses']
        : undefined;
  const buckets: UsageBucket[] = [];
  let start = query.pageStart;
  while (start < query.endTime && buckets.length < query.limit) {
    buckets.push({
      object: 'bucket',
      start_time: start,
      end_time: start + query.bucketSeconds,
      results: [],
    });
    start += query.bucketSeconds;
  }
  const pageEnd = start;
  const groups = buckets.map(
    () =>
      new Map<
        string,
        { values: Record<string, unknown>; items: Array<{ entry: BilledRequest; line?: CostLine }> }
      >(),
  );
  for (const entry of entries) {
    if (entry.created_at < query.pageStart || entry.created_at >= Math.min(pageEnd, query.endTime))
      continue;
    // OpenAI's reports cover OpenAI's requests only (lines without a provider are OpenAI's).
    if ((entry.provider ?? 'openai') !== 'openai') continue;
    if (wanted !== undefined && !wanted.includes(entry.endpoint)) continue;
    if (!matchesFilters({ entry, query })) continue;
    const index = Math.floor((entry.created_at - query.pageStart) / query.bucketSeconds);
    const bucketGroups = groups[index];
    if (bucketGroups === undefined) continue;
    const items: Array<{ entry: BilledRequest; line?: CostLine }> =
      kind === 'costs'
        ? priceBilledRequest({ entry, prices, onUnpriced }).map((line) => ({ entry, line }))
        : [{ entry }];
    for (const item of items) {
      const values: Record<string, unknown> = {};
      for (const field of query.groupBy) {
        values[field] =
          field === 'line_item' ? item.line?.line_item : entry[field as keyof BilledRequest];
      }
      const key = JSON.stringify(query.groupBy.map((field) => values[field]));
      const group = bucketGroups.get(key) ?? { values, items: [] };
      group.items.push(item);
      bucketGroups.set(key, group);
    }
  }
  buckets.forEach((bucket, index) => {
    const bucketGroups = [...(groups[index]?.entries() ?? [])].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    bucket.results = bucketGroups.map(([, group]) =>
      createResult({ kind, items: group.items, groupValues: group.values }),
    );
  });
  const hasMore = pageEnd < query.endTime;
  return {
    object: 'page',
    data: buckets,
    has_more: hasMore,
    next_page: hasMore ? createPageCursor(pageEnd) : null,
  };
}
