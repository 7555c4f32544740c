import { OpenAIError } from '../openai-error.js';

/**
 * Which organisation report a query is for.
 */
export type UsageReportKind = 'completions' | 'embeddings' | 'costs';

/**
 * A validated Usage or Costs query: the time range in seconds, the bucket width, the grouping,
 * the filters and the page.
 */
export interface UsageQuery {
  /** Start of the first bucket: `start_time` rounded down to the bucket width. */
  startTime: number;
  /** Exclusive end of the range. */
  endTime: number;
  bucketSeconds: number;
  groupBy: string[];
  /** Allowed values per filtered field (`project_id`, `user_id`, `api_key_id`, `model`). */
  filters: Record<string, string[]>;
  batch: boolean | undefined;
  limit: number;
  /** Start of the bucket this page begins with. */
  pageStart: number;
}

const bucketWidths: Record<string, { seconds: number; defaultLimit: number; maxLimit: number }> = {
  '1m': { seconds: 60, defaultLimit: 60, maxLimit: 1440 },
  '1h': { seconds: 3600, defaultLimit: 24, maxLimit: 168 },
  '1d': { seconds: 86_400, defaultLimit: 7, maxLimit: 31 },
};

const groupFields: Record<UsageReportKind, string[]> = {
  completions: ['project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier'],
  embeddings: ['project_id', 'user_id', 'api_key_id', 'model'],
  costs: ['project_id', 'line_item'],
};

const filterFields: Record<UsageReportKind, Array<[string, string]>> = {
  completions: [
    ['project_ids', 'project_id'],
    ['user_ids', 'user_id'],
    ['api_key_ids', 'api_key_id'],
    ['models', 'model'],
  ],
  embeddings: [
    ['project_ids', 'project_id'],
    ['user_ids', 'user_id'],
    ['api_key_ids', 'api_key_id'],
    ['models', 'model'],
  ],
  costs: [['project_ids', 'project_id']],
};

function invalid(param: string, message: string): OpenAIError {
  return new OpenAIError({ status: 400, message, param, code: 'invalid_value' });
}

// Arrays arrive as `name=a&name=b`, `name[]=a` or `name=a,b`: accept all three.
function readList(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(name), ...query.getAll(`${name}[]`)]
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

function readSeconds(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^\d{1,12}$/.test(text)) {
    throw invalid(
      name,
      `Invalid '${name}': expected Unix seconds (a whole number), got ${JSON.stringify(text)}.`,
    );
  }
  return Number(text);
}

/**
 * Creates the opaque `next_page` cursor for the page that starts at a bucket.
 */
export function createPageCursor(bucketStart: number): string {
  return `page_${Buffer.from(`openai-local:${bucketStart}`).toString('base64url')}`;
}

function readPageCursor(page: string): number {
  const decoded = page.startsWith('page_')
    ? Buffer.from(page.slice(5), 'base64url').toString('utf8')
    : '';
  const match = /^openai-local:(\d{1,12})$/.exec(decoded);
  if (match?.[1] === undefined) {
    throw invalid(
      'page',
      `Invalid 'page': pass the next_page value of the previous answer unchanged.`,
    );
  }
  return Number(match[1]);
}

/**
 * Reads and checks a Usage or Costs query string, answering OpenAI's 400 naming the parameter
 * for a missing `start_time`, an unknown `bucket_width` or `group_by` value, a `limit` out of
 * range or a `page` cursor that this server did not issue.
 */
export function parseUsageQuery({
  query,
  kind,
  now,
}: {
  query: URLSearchParams;
  kind: UsageReportKind;
  now: () => Date;
}): UsageQuery {
  const start = readSeconds(query, 'start_time');
  if (start === undefined) {
    throw new OpenAIError({
      status: 400,
      message: "Missing required parameter: 'start_time' (Unix seconds, inclusive).",
      param: 'start_time',
      code: 'missing_required_parameter',
    });
  }
  const widthName = query.get('bucket_width') ?? '1d';
  const width = bucketWidths[widthName];
  if (width === undefined || (kind === 'costs' && widthName !== '1d')) {
    throw invalid(
      'bucket_width',
      `Invalid 'bucket_width': ${JSON.stringify(widthName)}. Supported values are: ${kind === 'costs' ? "'1d'" : "'1m', '1h' and '1d'"}.`,
    );
  }
  const startTime = start - (start % width.seconds);
  // Without end_time the range ends now, and always holds at least the first bucket.
  const endTime =
    readSeconds(query, 'end_time') ??
    Math.max(Math.ceil(now().getTime() / 1000), startTime + width.seconds);
  if (endTime <= start) {
    throw invalid('end_time', `Invalid 'end_time': it must be after start_time (${start}).`);
  }
  const groupBy = readList(query, 'group_by');
  for (const field of groupBy) {
    if (!groupFields[kind].includes(field)) {
      throw invalid(
        'group_by',
        `Invalid 'group_by' value ${JSON.stringify(field)}. Supported values are: ${groupFields[kind].join(', ')}.`,
      );
    }
  }
  const filters: Record<string, string[]> = {};
  for (const [parameter, field] of filterFields[kind]) {
    const values = readList(query, parameter);
    if (values.length > 0) filters[field] = values;
  }
  const batchText = query.get('batch');
  if (batchText !== null && (kind !== 'completions' || !['true', 'false'].includes(batchText))) {
    throw invalid(
      'batch',
      `Invalid 'batch': ${kind === 'completions' ? 'use true or false' : 'only the completions report filters on batch'}.`,
    );
  }
  const maxLimit = kind === 'costs' ? 180 : width.maxLimit;
  const limitText = query.get('limit');
  const limit = limitText === null ? width.defaultLimit : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw invalid(
      'limit',
      `Invalid 'limit': ${JSON.stringify(limitText)}. Expected a whole number from 1 to ${maxLimit} for bucket_width ${widthName}.`,
    );
  }
  const page = query.get('page');
  const pageStart = page === null ? startTime : readPageCursor(page);
  if (
    pageStart < startTime ||
    pageStart >= endTime ||
    (pageStart - startTime) % width.seconds !== 0
  ) {
    throw invalid(
      'page',
      `Invalid 'page': it does not belong to this start_time, end_time and bucket_width.`,
    );
  }
  return {
    startTime,
    endTime,
    bucketSeconds: width.seconds,
    groupBy,
    filters,
    batch: batchText === null ? undefined : batchText === 'true',
    limit,
    pageStart,
  };
}
