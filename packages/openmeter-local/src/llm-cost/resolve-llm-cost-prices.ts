import { createHash } from 'node:crypto';
import type { LlmCostPrice } from '@llm-meter/openmeter-client/v3';
import { findLlmTokenPrice, type LlmTokenPrice, listLlmTokenPrices } from '@llm-meter/prices';
import type { LlmCostStore } from './llm-cost-store.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// The table gives most prices no start date; the list still needs one.
const UNDATED = '1970-01-01T00:00:00.000Z';

/**
 * The LLM cost prices in force at `at`: the system prices (the standard rates of
 * `@llm-meter/prices`, the table the toolkit prices its own events with) with the namespace's
 * overrides in force at `at` in place of the system price of the same provider and model, then
 * overrides of models the table lacks.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function listLlmCostPrices({
  store,
  at,
}: {
  store: LlmCostStore;
  at: Date;
}): LlmCostPrice[] {
  const overrides = store.listOverrides().filter((price) => isInForce({ price, at }));
  const overridden = new Map(overrides.map((price) => [modelKey(price), price]));
  const prices = listSystemPrices({ at }).map((price) => {
    const override = overridden.get(modelKey(price));
    overridden.delete(modelKey(price));
    return override ?? price;
  });
  return [...prices, ...overridden.values()];
}

/**
 * The price a feature cost query applies to tokens of `model` served by `provider` at `at`: the
 * override in force whose `model.id` is the served model or the model the table matches it to,
 * else the system price, else undefined (the cost is then null, never $0).
 */
export function findLlmCostPrice({
  store,
  provider,
  model,
  at,
}: {
  store: LlmCostStore;
  provider: string;
  model: string;
  at: Date;
}): LlmCostPrice | undefined {
  const system = findLlmTokenPrice({ provider, model, at });
  const ids = new Set([model, system?.model.id]);
  const override = store
    .listOverrides()
    .find(
      (price) =>
        price.provider.id === provider &&
        ids.has(price.model.id) &&
        price.currency === 'USD' &&
        isInForce({ price, at }),
    );
  if (override) return override;
  return system ? convertSystemPrice(system) : undefined;
}

/** The deterministic ULID of a system price: the same provider and model, the same id. */
export function createSystemPriceId({ provider, model }: { provider: string; model: string }) {
  const digest = createHash('sha256').update(`system:${provider}/${model}`).digest();
  let id = '0';
  for (let index = 0; index < 25; index++) id += CROCKFORD[(digest[index] as number) % 32];
  return id;
}

// Listing every model prices each one through genai-prices (slow); a day's list is kept.
let cached: { day: string; prices: LlmCostPrice[] } | undefined;

function listSystemPrices({ at }: { at: Date }): LlmCostPrice[] {
  const day = at.toISOString().slice(0, 10);
  if (cached?.day !== day) {
    cached = { day, prices: listLlmTokenPrices({ at }).map(convertSystemPrice) };
  }
  return cached.prices;
}

function convertSystemPrice(price: LlmTokenPrice): LlmCostPrice {
  const effective = price.effectiveFrom ?? UNDATED;
  return {
    id: createSystemPriceId({ provider: price.provider.id, model: price.model.id }),
    provider: price.provider,
    model: price.model,
    pricing: price.pricing,
    currency: 'USD',
    source: 'system',
    effective_from: effective,
    created_at: effective,
    updated_at: effective,
  };
}

function isInForce({ price, at }: { price: LlmCostPrice; at: Date }): boolean {
  return (
    new Date(price.effective_from) <= at &&
    (price.effective_to === undefined || at < new Date(price.effective_to))
  );
}

function modelKey(price: LlmCostPrice): string {
  return `${price.provider.id}\u0000${price.model.id}\u0000${price.currency}`;
}
