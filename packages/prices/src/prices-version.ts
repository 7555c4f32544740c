import { serviceTierPricesChecked } from './service-tier-prices.js';

/**
 * Version of `@pydantic/genai-prices` whose bundled prices this package uses (checked against the
 * installed package by a test, so an upgrade cannot go unnoticed).
 * @see https://github.com/pydantic/genai-prices
 */
export const genaiPricesVersion = '0.1.8';

/**
 * One line saying which prices a cost was computed with: the genai-prices release (standard
 * rates) and the day the service-tier table was checked, e.g. for under a usage table.
 */
export function describePrices(): string {
  return `prices: @pydantic/genai-prices ${genaiPricesVersion} (standard rates), flex/priority/batch table checked ${serviceTierPricesChecked}`;
}
