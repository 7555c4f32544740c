import { AnthropicError } from '../anthropic-error.js';

/**
 * Which Admin API report a query is for.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export type AnthropicReportKind = 'usage' | 'cost';

/**
 * A validated usage or cost report query, in seconds since the epoch.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export interface ReportQuery {
  /** Start of this page's first bucket (`starting_at` snapped to the bucket, or the page). */
  pageStart: number;
  /** Exclusive end of the range. */
  endTime: number;
  bucketSeconds: number;
  groupBy: string[];
  /** Allowed values per filtered result field (`model`, `api_key_id`, …). */
  filters: Record<string, string[]>;
  limit: number;
}

const bucketWidths: Record<string, { seconds: number; defaultLimit: number; maxLimit: number }> = {
  '1m': { seconds: 60, defaultLimit: 60, maxLimit: 1440 },
  '1h': { seconds: 3600, defaultLimit: 24, maxLimit: 168 },
  '1d': { seconds: 86_400, defaultLimit: 7, maxLimit: 31 },
};

const groupFields: Record<AnthropicReportKind, string[]> = {
  usage: ['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window', 'inference_geo'],
  cost: ['workspace_id', 'description'],
};

// Query parameter → the result field it filters.
const filterParameters: Record<AnthropicReportKind, Record<string, string>> = {
  usage: {
    api_key_ids: 'api_key_id',
    workspace_ids: 'workspace_id',
    models: 'model',
    service_tiers: 'service_tier',
    context_window: 'context_window',
    inference_geos: 'inference_geo',
  },
  cost: { workspace_ids: 'workspace_id' },
};

function invalid(message: string): AnthropicError {
  return new AnthropicError({ status: 400, message });
}

// Arrays come repeated (`models=a&models=b`), bracketed (`models[]=a`) or comma-separated.
function readList(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(name), ...query.getAll(`${name}[]`)]
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

function readTime(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const milliseconds = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(milliseconds)) {
    throw invalid(
      `${name}: invalid datetime "${value}": pass an RFC 3339 timestamp such as 2026-12-01T00:00:00Z.`,
    );
  }
  return Math.floor(milliseconds / 1000);
}

/**
 * The `next_page` token for a page starting at a bucket: `page_` and the bucket's RFC 3339 start
 * in base64, the way Anthropic's tokens look.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export function createReportPageToken(bucketStart: number): string {
  return `page_${Buffer.from(new Date(bucketStart * 1000).toISOString().replace('.000Z', 'Z')).toString('base64')}`;
}

/**
 * Parses a usage or cost report query (`starting_at` required, `ending_at`, `bucket_width`,
 * `group_by[]`, the filters, `limit`, `page`), or throws Anthropic's 400 naming the parameter.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report
 */
export function parseReportQuery({
  query,
  kind,
  now,
}: {
  query: URLSearchParams;
  kind: AnthropicReportKind;
  now: () => Date;
}): ReportQuery {
  const startingAt = readTime(query, 'starting_at');
  if (startingAt === undefined) throw invalid('starting_at: Field required.');
  const widthName = query.get('bucket_width') ?? '1d';
  const width = bucketWidths[widthName];
  if (width === undefined || (kind === 'cost' && widthName !== '1d')) {
    throw invalid(
      `bucket_width: "${widthName}" is not one of ${kind === 'cost' ? '1d' : '1d, 1h, 1m'}.`,
    );
  }
  const endTime = readTime(query, 'ending_at') ?? Math.floor(now().getTime() / 1000);
  const groupBy = readList(query, 'group_by');
  for (const field of groupBy) {
    if (!groupFields[kind].includes(field)) {
      throw invalid(`group_by: "${field}" is not one of ${groupFields[kind].join(', ')}.`);
    }
  }
  const filters: Record<string, string[]> = {};
  for (const [parameter, field] of Object.entries(filterParameters[kind])) {
    const values = readList(query, parameter);
    if (values.length > 0) filters[field] = values;
  }
  const limitText = query.get('limit');
  const limit = limitText === null ? width.defaultLimit : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > width.maxLimit) {
    throw invalid(
      `limit: pass a whole number from 1 to ${width.maxLimit} for bucket_width ${widthName}.`,
    );
  }
  const firstBucket = startingAt - (startingAt % width.seconds);
  let pageStart = firstBucket;
  const page = query.get('page');
  if (page !== null && page !== '') {
    const decoded = page.startsWith('page_')
      ? Date.parse(Buffer.from(page.slice(5), 'base64').toString('utf8'))
      : Number.NaN;
    if (Number.isNaN(decoded)) {
      throw invalid(
        "page: not a next_page token of this report; pass the previous response's next_page.",
      );
    }
    pageStart = Math.floor(decoded / 1000);
  }
  return { pageStart, endTime, bucketSeconds: width.seconds, groupBy, filters, limit };
}
