/** The two OpenMeter APIs: v1 (`/api/v1`) and v3 (`/api/v3`, Kong Konnect's `/v3`). */
export type OpenMeterApiVersion = 'v1' | 'v3';

/** Where and how to talk to OpenMeter: the API and the base URL its client takes. */
export interface ResolvedOpenMeterApi {
  apiVersion: OpenMeterApiVersion;
  /**
   * The client's `baseUrl`: the server URL for v1 (`createOpenMeterClient` adds `/api/v1`),
   * the v3 API root for v3 (`createOpenMeterV3Client`): `…/api/v3`, or `…/v3` on Konnect.
   */
  baseUrl: string;
}

const KONNECT_HOST = /^[a-z0-9-]+\.api\.konghq\.com$/i;

/** Whether a URL is Kong Konnect's API (`https://{region}.api.konghq.com`), which serves only v3. */
export function isKonnectUrl(url: string): boolean {
  try {
    return KONNECT_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Picks the OpenMeter API and the client's base URL from a server URL and an optional choice
 * (`OPENMETER_API_VERSION`): v3 when asked for, or when the URL is Kong Konnect's; v1 otherwise.
 * A v3 root already in the URL (`/api/v3`, `/v3`) is kept; otherwise `/v3` is added for
 * Konnect and `/api/v3` for self-hosted OpenMeter and OpenMeter Cloud, as the spec's servers
 * say. Throws a `TypeError` for v1 on Konnect, or a version other than v1 and v3.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function resolveOpenMeterApi({
  url,
  apiVersion,
}: {
  url: string;
  /** `v1`, `v3`, or undefined / empty to choose from the URL. */
  apiVersion?: string | undefined;
}): ResolvedOpenMeterApi {
  const konnect = isKonnectUrl(url);
  const wanted = apiVersion?.trim().toLowerCase() || (konnect ? 'v3' : 'v1');
  if (wanted !== 'v1' && wanted !== 'v3') {
    throw new TypeError(
      `OPENMETER_API_VERSION must be v1 or v3, got ${JSON.stringify(apiVersion)}.`,
    );
  }
  if (wanted === 'v1' && konnect) {
    throw new TypeError(
      `${url} is Kong Konnect, which serves OpenMeter's v3 API only: set OPENMETER_API_VERSION=v3 (or leave it unset).`,
    );
  }
  const trimmed = url.replace(/\/+$/, '');
  if (wanted === 'v1') return { apiVersion: 'v1', baseUrl: trimmed };
  if (/\/v3$/.test(trimmed)) return { apiVersion: 'v3', baseUrl: trimmed };
  return { apiVersion: 'v3', baseUrl: `${trimmed}${konnect ? '/v3' : '/api/v3'}` };
}
