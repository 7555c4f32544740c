/** The error a provider's report client throws: the HTTP status when one came, and a message. */
export type ReportErrorFactory = (
  status: number | undefined,
  message: string,
  options?: ErrorOptions,
) => Error;

/**
 * One GET of a provider's usage or cost report, parsed as JSON. A network failure names the
 * base URL setting to check, a 401 or 403 adds `authHint` (which key setting the report needs),
 * and every failure is thrown as the provider's own error (`createError`).
 */
export async function getReportJson({
  url,
  headers,
  fetch,
  createError,
  baseUrlSetting,
  authHint,
}: {
  url: string;
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch;
  createError: ReportErrorFactory;
  /** The setting that holds the provider's base URL, e.g. `OPENAI_BASE_URL`. */
  baseUrlSetting: string;
  /** Said after a 401 or 403, e.g. `the ... APIs need an admin key in OPENAI_ADMIN_KEY`. */
  authHint: string;
}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers });
  } catch (error) {
    throw createError(
      undefined,
      `GET ${url} failed: ${error instanceof Error ? error.message : String(error)}; check ${baseUrlSetting} and the network`,
      { cause: error },
    );
  }
  const text = await response.text();
  if (!response.ok) {
    const hint = response.status === 401 || response.status === 403 ? ` (${authHint})` : '';
    throw createError(
      response.status,
      `Request failed with status code ${response.status} ${response.statusText}: GET ${url}${hint}: ${text.slice(0, 300)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw createError(response.status, `GET ${url} answered invalid JSON`, { cause: error });
  }
}
