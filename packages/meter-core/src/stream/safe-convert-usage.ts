import { UsageEventError } from '../events/usage-event-error.js';
import type { UsageRecord } from '../usage/usage-record.js';

/**
 * Runs a usage conversion and returns its result instead of throwing a `UsageEventError`, so a
 * stream meter can fall back to an estimate when the provider's usage is malformed.
 */
export function safeConvertUsage(
  convert: () => UsageRecord,
): { success: true; value: UsageRecord } | { success: false; error: UsageEventError } {
  try {
    return { success: true, value: convert() };
  } catch (error) {
    if (error instanceof UsageEventError) return { success: false, error };
    throw error;
  }
}
