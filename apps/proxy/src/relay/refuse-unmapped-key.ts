import type { ProxyError } from '../providers/provider-adapter.js';
import type { ProxyOptions } from '../proxy-types.js';

/**
 * With the server's own upstream key, only callers presenting a mapped key get through, on every
 * route: the server key must never serve an unknown caller. The refusal, or undefined.
 */
export function refuseUnmappedKey({
  options,
  serverKey,
  apiKey,
}: {
  options: Pick<ProxyOptions, 'subjects'>;
  /** The proxy calls this provider with its own key. */
  serverKey: boolean;
  apiKey: string | undefined;
}): ProxyError | undefined {
  if (!serverKey) return undefined;
  if (apiKey !== undefined && options.subjects.keySubjects.has(apiKey)) return undefined;
  return {
    status: 401,
    message:
      'Incorrect API key provided: this proxy accepts only the API keys it maps to subjects.',
    kind: 'authentication',
    code: 'invalid_api_key',
  };
}
