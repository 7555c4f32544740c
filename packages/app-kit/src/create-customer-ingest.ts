import type { OutboxIngestClient } from '@llm-meter/meter-outbox';
import type { OpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { ensureCustomers } from './ensure-customers.js';

/**
 * Wraps a v3 ingest client so every subject a batch bills is checked for an OpenMeter customer
 * (`ensureCustomers`: found by subject key or key, else created) before the batch is sent, once
 * per subject and process: the proxy's subjects come with its requests, not from
 * `LLM_METER_SUBJECTS`. It runs on delivery, off the LLM call's path. A check that fails is
 * reported and tried again with the subject's next batch; the batch is sent regardless (OpenMeter
 * attributes a subject's usage to a customer created later as well).
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function createCustomerIngest({
  client,
  customers,
  known = [],
  announce,
  onError,
}: {
  client: OutboxIngestClient;
  customers: Pick<OpenMeterV3Client, 'customers'>;
  /** Subjects already checked (the ones `startServices` checked at start). */
  known?: readonly string[] | undefined;
  announce: (line: string) => void;
  onError: (error: unknown) => void;
}): OutboxIngestClient {
  const checked = new Set(known);
  return {
    events: {
      async ingest(events, options) {
        const fresh = [...new Set(events.map((event) => event.subject))].filter(
          (subject) => !checked.has(subject),
        );
        if (fresh.length > 0) {
          await ensureCustomers({ client: customers, subjects: fresh, announce }).then(() => {
            for (const subject of fresh) checked.add(subject);
          }, onError);
        }
        return client.events.ingest(events, options);
      },
    },
  };
}
