import { type OpenMeterClient, serializeQuery } from '@llm-meter/openmeter-client';
import type { EntitlementBalance, OpenMeterReadApi } from './open-meter-read-api.js';
import type { ShownQuery } from './shown-query.js';

/** A `GET` of `root` + `path` with its query string, as a page shows it. */
export function showGet({
  id,
  root,
  path,
  query,
}: {
  id: string;
  root: string;
  path: string;
  query: Record<string, unknown>;
}): ShownQuery {
  const search = serializeQuery(query);
  return { id, method: 'GET', url: `${root}${path}${search ? `?${search}` : ''}` };
}

/**
 * The dashboard's reads through OpenMeter's v1 API: meter queries (`GET
 * /api/v1/meters/{slug}/query`), the events list, and subjects' entitlement balances.
 * @see https://openmeter.io/docs/api/cloud#tag/meters/operation/queryMeter
 */
export function createV1ReadApi({
  client,
  baseUrl,
}: {
  client: OpenMeterClient;
  /** OpenMeter's base URL (without `/api/v1`), to show each query in full. */
  baseUrl: string;
}): OpenMeterReadApi {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    apiVersion: 'v1',
    meters: client,
    async showMeterQuery({ id, meter, params }) {
      return showGet({
        id,
        root,
        path: `/api/v1/meters/${encodeURIComponent(meter)}/query`,
        query: params,
      });
    },
    listEvents({ subject, from, to, limit }) {
      const query = { subject, from, to, limit };
      return {
        query: showGet({ id: 'q-events', root, path: '/api/v1/events', query }),
        load: () => client.events.list(query),
      };
    },
    readEntitlements: ({ subject }) => readV1Entitlements({ client, root, subject }),
    findCustomer: () => undefined,
  };
}

/**
 * The subject's metered entitlements and the balance of each (`GET .../entitlements`, `/value`):
 * v1's, which the budget gate reserves against. `root` is the server URL, without `/api/v1`.
 */
export function readV1Entitlements({
  client,
  root,
  subject,
}: {
  client: OpenMeterClient;
  root: string;
  subject: string;
}): { query: ShownQuery; load(): Promise<EntitlementBalance[]> } {
  const path = `/api/v1/subjects/${encodeURIComponent(subject)}/entitlements`;
  return {
    query: showGet({ id: 'q-entitlements', root, path, query: {} }),
    async load() {
      const listed = await client.raw.GET('/api/v1/subjects/{subjectIdOrKey}/entitlements', {
        params: { path: { subjectIdOrKey: subject } },
      });
      if (!listed.response.ok) {
        throw new Error(
          `GET /api/v1/subjects/${subject}/entitlements answered ${listed.response.status} ${listed.response.statusText}: the dashboard's OpenMeter key needs read access to entitlements`,
        );
      }
      const entitlements = (listed.data ?? []) as Array<{ type?: string; featureKey?: string }>;
      return Promise.all(
        entitlements
          .filter((entitlement) => entitlement.type === 'metered' && entitlement.featureKey)
          .map(async (entitlement) => {
            const featureKey = entitlement.featureKey as string;
            const value = await client.raw.GET(
              '/api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/value',
              {
                params: {
                  path: { subjectIdOrKey: subject, entitlementIdOrFeatureKey: featureKey },
                },
              },
            );
            if (!value.response.ok) {
              throw new Error(
                `GET /api/v1/subjects/${subject}/entitlements/${featureKey}/value answered ${value.response.status} ${value.response.statusText}`,
              );
            }
            const data = (value.data ?? {}) as {
              hasAccess?: boolean;
              balance?: number;
              usage?: number;
              overage?: number;
            };
            return {
              featureKey,
              hasAccess: data.hasAccess === true,
              balance: data.balance,
              usage: data.usage,
              overage: data.overage,
            };
          }),
      );
    },
  };
}
