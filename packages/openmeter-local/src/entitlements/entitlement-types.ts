import type { components } from '@llm-meter/openmeter-client';

/** A feature. @see https://openmeter.io/docs/billing/entitlements/feature */
export type Feature = components['schemas']['Feature'];
/** A metered entitlement. @see https://openmeter.io/docs/billing/entitlements/entitlement */
export type EntitlementMetered = components['schemas']['EntitlementMetered'];
/** A grant. @see https://openmeter.io/docs/billing/entitlements/grant */
export type EntitlementGrant = components['schemas']['EntitlementGrant'];
/** The value of an entitlement. @see https://openmeter.io/docs/billing/entitlements/entitlement */
export type EntitlementValue = components['schemas']['EntitlementValue'];

/**
 * A metered entitlement as stored: everything but the fields computed on read
 * (`lastReset`, `currentUsagePeriod`).
 * @see https://openmeter.io/docs/billing/entitlements/entitlement
 */
export type StoredEntitlement = Omit<EntitlementMetered, 'lastReset' | 'currentUsagePeriod'>;
