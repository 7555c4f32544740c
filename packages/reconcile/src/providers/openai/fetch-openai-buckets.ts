import { getReportPages } from '../../get-report-pages.js';
import type { OpenAIBucket, OpenAIBucketPage } from './openai-organization-types.js';

/** OpenAI's API base URL, used when none is given. */
export const defaultOpenAIBaseUrl = 'https://api.openai.com/v1';

/** A failed call to OpenAI's organisation API: method, URL (no key) and status in the message. */
export class OpenAIAdminError extends Error {
  override name = 'OpenAIAdminError' as const;
  constructor(
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Input of `fetchOpenAIBuckets`. */
export interface FetchOpenAIBucketsInput {
  /** e.g. `https://api.openai.com/v1`, or openai-local's `http://127.0.0.1:PORT/v1`. */
  baseUrl: string;
  /** An admin key (`OPENAI_ADMIN_KEY`); organisation endpoints refuse project keys. */
  adminKey: string;
  /** `/organization/usage/completions` or `/organization/costs`. */
  path: string;
  /** Unix seconds; start inclusive, end exclusive. */
  startTime: number;
  endTime: number;
  groupBy: readonly string[];
  fetch?: typeof globalThis.fetch;
}

// 1d buckets: OpenAI allows up to 31 per page.
const bucketsPerPage = 31;

/**
 * Reads every page of an organisation Usage or Costs endpoint (`bucket_width=1d`, `group_by`
 * repeated per field, `page=<next_page>` while `has_more`), and returns all buckets in order.
 */
export async function fetchOpenAIBuckets<Result>({
  baseUrl,
  adminKey,
  path,
  startTime,
  endTime,
  groupBy,
  fetch = globalThis.fetch,
}: FetchOpenAIBucketsInput): Promise<OpenAIBucket<Result>[]> {
  const query = new URLSearchParams({
    start_time: String(startTime),
    end_time: String(endTime),
    bucket_width: '1d',
    limit: String(bucketsPerPage),
  });
  for (const field of groupBy) query.append('group_by', field);
  return getReportPages<OpenAIBucket<Result>>({
    baseUrl,
    path,
    query,
    headers: { Authorization: `Bearer ${adminKey}` },
    fetch,
    isPage: isBucketPage,
    expected: 'a page of buckets (object "page" with data[]): is this OpenAI\'s organisation API?',
    createError: (status, message, options) => new OpenAIAdminError(status, message, options),
    baseUrlSetting: 'OPENAI_BASE_URL',
    authHint: 'the organisation Usage and Costs APIs need an admin key in OPENAI_ADMIN_KEY',
  });
}

function isBucketPage(body: unknown): body is OpenAIBucketPage<unknown> {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { object?: unknown }).object === 'page' &&
    Array.isArray((body as { data?: unknown }).data)
  );
}
