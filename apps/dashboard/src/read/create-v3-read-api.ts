import { defaultTokenTypeEventType } from '@llm-meter/meter-core';
import type { OpenMeterClient } from '@llm-meter/openmeter-client';
import {
  convertMeterQueryToV3,
  createV3MeterReader,
  type OpenMeterV3Client,
} from '@llm-meter/openmeter-client/v3';
import { readV1Entitlements, showGet } from './create-v1-read-api.js';
import type { OpenMeterReadApi } from './open-meter-read-api.js';

/**
 * The dashboard's reads through OpenMeter's v3 API: meter queries by ULID (`POST
 * /openmeter/meters/{meterId}/query`, the body `convertMeterQueryToV3` makes of the same
 * parameters), the events list with `filter[...]` objects (without the token-type events the
 * apps send beside each usage event on v3 for the feature cost query), and the customer each
 * subject is attributed to. Balances of entitlements exist on v1 only: read there through
 * `v1` (self-hosted OpenMeter and OpenMeter Cloud serve both), none on Kong Konnect (`v1`
 * undefined).
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function createV3ReadApi({
  client,
  baseUrl,
  v1,
}: {
  client: OpenMeterV3Client;
  /** The v3 API's root (`…/api/v3`, Konnect's `…/v3`), to show each query in full. */
  baseUrl: string;
  /** The same OpenMeter's v1 API, for entitlement balances; undefined on Kong Konnect. */
  v1?: { client: OpenMeterClient; baseUrl: string } | undefined;
}): OpenMeterReadApi {
  const root = baseUrl.replace(/\/+$/, '');
  const meters = createV3MeterReader({ client });
  return {
    apiVersion: 'v3',
    meters,
    async showMeterQuery({ id, meter, params }) {
      // The reader keeps each meter's ULID: this lookup is the one its query made.
      const { id: meterId } = await meters.meters.get(meter);
      return {
        id,
        method: 'POST',
        url: `${root}/openmeter/meters/${encodeURIComponent(meterId)}/query`,
        body: convertMeterQueryToV3(params),
      };
    },
    listEvents({ subject, from, to, limit }) {
      const query = {
        filter: {
          subject: { eq: subject },
          type: { neq: defaultTokenTypeEventType },
          time: { gte: from.toISOString(), lt: to.toISOString() },
        },
        page: { size: limit },
      };
      return {
        query: showGet({ id: 'q-events', root, path: '/openmeter/events', query }),
        load: async () => (await client.events.list(query)).data,
      };
    },
    readEntitlements: ({ subject }) =>
      v1 === undefined
        ? undefined
        : readV1Entitlements({ client: v1.client, root: v1.baseUrl.replace(/\/+$/, ''), subject }),
    findCustomer({ subject }) {
      const query = { filter: { usage_attribution_subject_key: { eq: subject } } };
      return {
        query: showGet({ id: 'q-customer', root, path: '/openmeter/customers', query }),
        async load() {
          const [customer] = (await client.customers.list(query)).data;
          return customer === undefined
            ? null
            : { id: customer.id, key: customer.key ?? undefined, name: customer.name };
        },
      };
    },
  };
}
