/**
 * An OpenMeter feature with an LLM unit cost, in the shape of the `POST /api/v1/features` body
 * (FeatureCreateInputs): OpenMeter looks each token up in its LLM cost database by the meter's
 * provider, model and token-type group-by properties.
 * @see https://openmeter.io/docs/billing/entitlements/feature
 */
export interface FeatureDefinition {
  key: string;
  name: string;
  meterSlug: string;
  unitCost: {
    type: 'llm';
    providerProperty: string;
    modelProperty: string;
    tokenTypeProperty: string;
  };
}

/**
 * Features this package ships, as in `meters/features-api.json`: the cost of the token-type
 * events, priced by OpenMeter per provider, served model and token type (`input`, `cache_read`,
 * `cache_write`, `output`).
 * @see https://openmeter.io/docs/billing/entitlements/feature
 */
export const openMeterFeatures: readonly FeatureDefinition[] = [
  {
    key: 'llm_token_cost',
    name: 'LLM token cost',
    meterSlug: 'llm_tokens_by_type',
    unitCost: {
      type: 'llm',
      providerProperty: 'provider',
      modelProperty: 'model',
      tokenTypeProperty: 'type',
    },
  },
];
