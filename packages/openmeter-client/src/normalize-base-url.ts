/**
 * Checks that a base URL is an absolute http(s) URL and drops its trailing slashes (a path
 * prefix such as `/api/v3` is kept). Throws a `TypeError` naming the value otherwise.
 * @see https://url.spec.whatwg.org/
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new TypeError(
      `baseUrl must be an absolute http(s) URL such as https://openmeter.cloud, got ${JSON.stringify(baseUrl)}`,
      { cause: error },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(
      `baseUrl must be an absolute http(s) URL such as https://openmeter.cloud, got ${JSON.stringify(baseUrl)}`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}
