/** How the proxy decides whom a request is billed to. */
export interface SubjectPolicy {
  /** Header naming the subject, lower case. Default `openmeter-subject`. */
  header: string;
  /** Caller API key → subject. A mapped key decides the subject whatever the header says. */
  keySubjects: ReadonlyMap<string, string>;
  /** Whether a request body's `user` / `safety_identifier` may name the subject. */
  trustRequestUser: boolean;
  /** Subject of a request that names none; without it such a request is refused. */
  defaultSubject?: string | undefined;
}

/** The subject found, and where it came from; or why none was found. */
export type SubjectResolution =
  | { success: true; subject: string; from: 'api_key' | 'header' | 'request_user' | 'default' }
  | { success: false; message: string };

/**
 * Finds a request's subject: its API key's mapping first (the caller cannot override it), then
 * the subject header, then the body's `user`/`safety_identifier` when trusted, then the default.
 */
export function resolveSubject({
  policy,
  apiKey,
  headerValue,
  body,
}: {
  policy: SubjectPolicy;
  apiKey: string | undefined;
  headerValue: string | undefined;
  body: Record<string, unknown> | undefined;
}): SubjectResolution {
  const mapped = apiKey === undefined ? undefined : policy.keySubjects.get(apiKey);
  if (mapped) return { success: true, subject: mapped, from: 'api_key' };
  const header = headerValue?.trim();
  if (header) return { success: true, subject: header, from: 'header' };
  if (policy.trustRequestUser) {
    for (const field of ['user', 'safety_identifier']) {
      const value = body?.[field];
      if (typeof value === 'string' && value.trim()) {
        return { success: true, subject: value.trim(), from: 'request_user' };
      }
    }
  }
  if (policy.defaultSubject)
    return { success: true, subject: policy.defaultSubject, from: 'default' };
  return {
    success: false,
    message:
      `No subject to bill this request to: send the ${policy.header} header` +
      (policy.keySubjects.size > 0 ? ', use an API key mapped to a subject' : '') +
      ', or start the proxy with LLM_METER_PROXY_DEFAULT_SUBJECT.',
  };
}

/**
 * Parses a key → subject map: `key=subject` pairs separated by commas or new lines, `#` starting
 * a comment line, or a JSON object. Throws naming the bad entry.
 */
export function parseKeySubjects(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new Error(`the key → subject map is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    for (const [key, subject] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof subject !== 'string' || !subject) {
        throw new Error(`the key → subject map gives key ${maskKey(key)} no subject string`);
      }
      map.set(key, subject);
    }
    return map;
  }
  for (const [index, raw] of trimmed.split(/[\n,]/).entries()) {
    const entry = raw.trim();
    if (!entry || entry.startsWith('#')) continue;
    const separator = entry.indexOf('=');
    const key = entry.slice(0, separator).trim();
    const subject = entry.slice(separator + 1).trim();
    if (separator <= 0 || !key || !subject) {
      throw new Error(
        `entry ${index + 1} of the key → subject map is not key=subject: ${JSON.stringify(maskKey(entry))}`,
      );
    }
    map.set(key, subject);
  }
  return map;
}

/** Shows the first 3 and last 4 characters of a key, enough to tell keys apart in a log. */
export function maskKey(key: string): string {
  return key.length <= 12 ? '***' : `${key.slice(0, 3)}…${key.slice(-4)}`;
}
