import { openMeterFeatures } from '@llm-meter/meter-core';
import type { OpenMeterV3Client } from '@llm-meter/openmeter-client/v3';

/** Where OpenMeter's own cost of the token-type events is read, or why it is not. */
export type CostFeature =
  | { status: 'found'; id: string; key: string }
  | { status: 'missing'; reason: string };

/**
 * Finds the `llm_token_cost` feature (`openMeterFeatures`: an LLM unit cost on the
 * `llm_tokens_by_type` meter, by provider, model and token type) on OpenMeter's v3 API, and
 * creates it when the meter exists but the feature does not, announcing it; nothing existing is
 * changed. Without the meter it says what to create instead of failing: the usage table works
 * without it, only the check of OpenMeter's cost against the toolkit's is left out.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export async function ensureCostFeature({
  client,
  announce,
}: {
  client: Pick<OpenMeterV3Client, 'features' | 'meters'>;
  announce: (line: string) => void;
}): Promise<CostFeature> {
  const [definition] = openMeterFeatures;
  if (!definition) throw new Error('meter-core ships no LLM cost feature');
  const { key } = definition;
  const found = await client.features.list({ filter: { key: { eq: key } } });
  const existing = found.data.find((feature) => feature.key === key);
  if (existing) return { status: 'found', id: existing.id, key };
  const meters = await client.meters.list({ filter: { key: definition.meterSlug } });
  const meter = meters.data.find((candidate) => candidate.key === definition.meterSlug);
  if (!meter) {
    return {
      status: 'missing',
      reason: `no meter ${definition.meterSlug}: create it and the ${key} feature (see the README, "Meters to create") to have OpenMeter price the token-type events`,
    };
  }
  const { providerProperty, modelProperty, tokenTypeProperty } = definition.unitCost;
  const feature = await client.features.create({
    key,
    name: definition.name,
    meter: { id: meter.id },
    unit_cost: {
      type: 'llm',
      provider_property: providerProperty,
      model_property: modelProperty,
      token_type_property: tokenTypeProperty,
    },
  });
  announce(
    `OpenMeter v3: created feature "${key}" (LLM unit cost on ${definition.meterSlug} by ${providerProperty}, ${modelProperty} and ${tokenTypeProperty})`,
  );
  return { status: 'found', id: feature.id, key };
}
