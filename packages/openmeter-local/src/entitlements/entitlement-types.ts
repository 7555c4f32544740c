import type { components } from '@llm-meter/openmeter-client';

/** A feature. */
export type Feature = components['schemas']['Feature'];
/** A metered entitlement. */
export type EntitlementMetered = components['schemas']['EntitlementMetered'];
/** A grant. */
export type EntitlementGrant = components['schemas']['EntitlementGrant'];
/** The value of an entitlement. */
export type EntitlementValue = components['schemas']['EntitlementValue'];

/**
 * A metered entitlement as stored: everything but the fields computed on read
 * (`lastReset`, `currentUsagePeriod`).
 */
export type StoredEntitlement = Omit<EntitlementMetered, 'lastReset' | 'currentUsagePeriod'>;
