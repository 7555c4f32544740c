import { getReportJson } from './get-report-json.js';

/** The paging fields OpenAI's and Anthropic's usage and cost reports share. */
export interface ReportPage<Bucket> {
  data: Bucket[];
  has_more: boolean;
  next_page: string | null;
}

const maxPages = 1000;

/**
 * Reads every page of a usage or cost report (each with `getReportJson`) and returns its buckets
 * in order: `page=<next_page>` is added to `query` while the answer says `has_more`. A body that
 * is not a page, a missing or repeated `next_page`, or more than 1,000 pages is thrown as the
 * provider's error.
 */
export async function getReportPages<Bucket>({
  baseUrl,
  path,
  query,
  isPage,
  expected,
  ...request
}: Omit<Parameters<typeof getReportJson>[0], 'url'> & {
  /** The provider's API base URL, e.g. `https://api.openai.com/v1` (a trailing `/` is dropped). */
  baseUrl: string;
  /** The report's path below `baseUrl`, e.g. `/organization/costs`. */
  path: string;
  /** The first page's query; `page` is set on it for the next ones. */
  query: URLSearchParams;
  isPage: (body: unknown) => body is ReportPage<unknown>;
  /** What a page looks like and whose API it is, said when a body is not one. */
  expected: string;
}): Promise<Bucket[]> {
  const { createError } = request;
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  const buckets: Bucket[] = [];
  const seenPages = new Set<string>();
  for (let count = 0; count < maxPages; count += 1) {
    const pageUrl = `${url}?${query}`;
    const body = await getReportJson({ url: pageUrl, ...request });
    if (!isPage(body)) {
      throw createError(200, `GET ${pageUrl} answered something that is not ${expected}`);
    }
    buckets.push(...(body.data as Bucket[]));
    if (!body.has_more) return buckets;
    if (!body.next_page || seenPages.has(body.next_page)) {
      throw createError(
        200,
        `GET ${pageUrl} says has_more but its next_page ${JSON.stringify(body.next_page)} is missing or repeats`,
      );
    }
    seenPages.add(body.next_page);
    query.set('page', body.next_page);
  }
  throw createError(undefined, `GET ${url} had more than ${maxPages} pages`);
}
