import type { OpenMeterV3Client } from '@llm-meter/openmeter-client/v3';

/**
 * Makes sure each subject the app bills is attributed to an OpenMeter customer on the v3 API,
 * the way `startServices` checks the meters: a subject already among a customer's
 * `usage_attribution.subject_keys`, or a customer's `key`, is left alone; for any other a
 * customer is created with the subject as its key, name and only subject key, and announced.
 * Nothing is changed or deleted on an existing customer.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export async function ensureCustomers({
  client,
  subjects,
  announce,
}: {
  client: Pick<OpenMeterV3Client, 'customers'>;
  subjects: readonly string[];
  announce: (line: string) => void;
}): Promise<{ created: string[] }> {
  const created: string[] = [];
  for (const subject of new Set(subjects)) {
    const byAttribution = await client.customers.list({
      filter: { usage_attribution_subject_key: { eq: subject } },
    });
    if (byAttribution.data.length > 0) continue;
    const byKey = await client.customers.list({ filter: { key: { eq: subject } } });
    if (byKey.data.length > 0) continue;
    await client.customers.create({
      key: subject,
      name: subject,
      usage_attribution: { subject_keys: [subject] },
    });
    created.push(subject);
  }
  if (created.length > 0) {
    announce(
      `OpenMeter v3: created customer(s) ${created.map((subject) => `"${subject}"`).join(', ')}, each billed for the subject of its key`,
    );
  }
  return { created };
}
