import type { OpenMeterClient } from '@llm-meter/openmeter-client';

/** The part of OpenMeter's entitlement value the gate reads. */
export interface EntitlementValue {
  hasAccess: boolean;
  balance?: number | undefined;
  usage?: number | undefined;
  overage?: number | undefined;
}

/** Why an entitlement value could not be read: no entitlement, or OpenMeter not answering. */
export class EntitlementValueError extends Error {
  override name = 'EntitlementValueError' as const;
  constructor(
    readonly kind: 'not_found' | 'unavailable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Reads `GET /api/v1/subjects/{subject}/entitlements/{feature}/value` through the client.
 */
export async function readEntitlementValue({
  client,
  subject,
  feature,
}: {
  client: OpenMeterClient;
  subject: string;
  feature: string;
}): Promise<EntitlementValue> {
  const path = `/api/v1/subjects/${subject}/entitlements/${feature}/value`;
  let result: Awaited<ReturnType<typeof client.raw.GET>>;
  try {
    result = await client.raw.GET(
      '/api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/value',
      { params: { path: { subjectIdOrKey: subject, entitlementIdOrFeatureKey: feature } } },
    );
  } catch (error) {
    throw new EntitlementValueError('unavailable', `GET ${path} failed: ${String(error)}`, {
      cause: error,
    });
  }
  const { response } = result;
  if (response.status === 404) {
    throw new EntitlementValueError(
      'not_found',
      `${subject} has no entitlement to the feature ${JSON.stringify(feature)} (GET ${path} answered 404). ` +
        `Create one with POST /api/v1/subjects/${subject}/entitlements, or check the feature key.`,
    );
  }
  if (!response.ok) {
    throw new EntitlementValueError(
      'unavailable',
      `GET ${path} answered ${response.status} ${response.statusText}`,
      { cause: result.error },
    );
  }
  const value = result.data as EntitlementValue | undefined;
  if (!value || typeof value.hasAccess !== 'boolean') {
    throw new EntitlementValueError('unavailable', `GET ${path} answered without hasAccess`);
  }
  return value;
}
