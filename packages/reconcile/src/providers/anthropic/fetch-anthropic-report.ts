import { getReportPages } from '../../get-report-pages.js';
import type { AnthropicReportBucket, AnthropicReportPage } from './anthropic-admin-types.js';

/** Anthropic's API base URL, used when none is given. */
export const defaultAnthropicBaseUrl = 'https://api.anthropic.com';

// The API version the Admin API's reports are documented with.
const anthropicVersion = '2023-06-01';
// 1d buckets: Anthropic allows up to 31 per page.
const bucketsPerPage = 31;

/** A failed call to Anthropic's Admin API: method, URL (no key) and status in the message. */
export class AnthropicAdminError extends Error {
  override name = 'AnthropicAdminError' as const;
  constructor(
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Input of `fetchAnthropicReport`. */
export interface FetchAnthropicReportInput {
  /** e.g. `https://api.anthropic.com`, or openai-local's `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** An Admin API key (`sk-ant-admin…`, `ANTHROPIC_ADMIN_KEY`). */
  adminKey: string;
  /** `/v1/organizations/usage_report/messages` or `/v1/organizations/cost_report`. */
  path: string;
  /** Unix seconds; start inclusive, end exclusive. */
  startTime: number;
  endTime: number;
  groupBy: readonly string[];
  fetch?: typeof globalThis.fetch;
}

/**
 * Reads every page of an Admin API usage or cost report (`bucket_width=1d`, `group_by[]` per
 * field, `page=<next_page>` while `has_more`) and returns all buckets in order.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export async function fetchAnthropicReport<Result>({
  baseUrl,
  adminKey,
  path,
  startTime,
  endTime,
  groupBy,
  fetch = globalThis.fetch,
}: FetchAnthropicReportInput): Promise<AnthropicReportBucket<Result>[]> {
  const query = new URLSearchParams({
    starting_at: rfc3339(startTime),
    ending_at: rfc3339(endTime),
    bucket_width: '1d',
    limit: String(bucketsPerPage),
  });
  for (const field of groupBy) query.append('group_by[]', field);
  return getReportPages<AnthropicReportBucket<Result>>({
    baseUrl,
    path,
    query,
    headers: { 'x-api-key': adminKey, 'anthropic-version': anthropicVersion },
    fetch,
    isPage: isReportPage,
    expected: "a report page (data[] and has_more): is this Anthropic's Admin API?",
    createError: (status, message, options) => new AnthropicAdminError(status, message, options),
    baseUrlSetting: 'ANTHROPIC_BASE_URL',
    authHint:
      'the usage and cost reports need an Admin API key, sk-ant-admin…, in ANTHROPIC_ADMIN_KEY',
  });
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function isReportPage(body: unknown): body is AnthropicReportPage<unknown> {
  return (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { data?: unknown }).data) &&
    typeof (body as { has_more?: unknown }).has_more === 'boolean'
  );
}
