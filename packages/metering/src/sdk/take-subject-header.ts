/**
 * The per-call header that names who pays for one call, read and removed by the metered client
 * before the request is sent (it never reaches the provider):
 * `client.chat.completions.create(body, { headers: { [subjectHeader]: 'customer-1' } })`.
 */
export const subjectHeader = 'x-llm-meter-subject';

type HeaderValue = string | null | undefined | readonly (string | null | undefined)[];

/** The request options the wrapper reads: the SDK's `headers` and `signal`. */
export interface SdkRequestOptions {
  headers?: unknown;
  signal?: AbortSignal | null | undefined;
  [option: string]: unknown;
}

/**
 * Reads the subject header out of a call's request options and returns the options without
 * it (a copy; the caller's object is never changed). Accepts every header shape the SDK does:
 * a plain object, a `Headers`, or an array of `[name, value]` pairs.
 */
export function takeSubjectHeader(options: SdkRequestOptions | undefined): {
  subject: string | undefined;
  options: SdkRequestOptions | undefined;
} {
  const headers = options?.headers;
  if (headers === undefined || headers === null) return { subject: undefined, options };
  if (headers instanceof Headers) {
    const subject = headers.get(subjectHeader);
    if (subject === null) return { subject: undefined, options };
    const rest = new Headers(headers);
    rest.delete(subjectHeader);
    return { subject, options: { ...options, headers: rest } };
  }
  if (Array.isArray(headers)) {
    let subject: string | undefined;
    const rest = headers.filter((pair: readonly unknown[]) => {
      if (String(pair[0]).toLowerCase() !== subjectHeader) return true;
      if (typeof pair[1] === 'string') subject = pair[1];
      return false;
    });
    if (rest.length === headers.length) return { subject: undefined, options };
    return { subject, options: { ...options, headers: rest } };
  }
  if (typeof headers !== 'object') return { subject: undefined, options };
  let subject: string | undefined;
  let found = false;
  const rest: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(headers as Record<string, HeaderValue>)) {
    if (name.toLowerCase() === subjectHeader) {
      found = true;
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string') subject = first;
    } else rest[name] = value;
  }
  return found
    ? { subject, options: { ...options, headers: rest } }
    : { subject: undefined, options };
}
