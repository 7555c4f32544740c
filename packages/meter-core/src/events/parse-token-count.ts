import { UsageEventError } from './usage-event-error.js';

/**
 * Reads one token count: a non-negative safe integer, or `undefined` when absent and optional.
 * Throws {@link UsageEventError} naming `field` otherwise (negative, fractional, NaN, strings).
 */
export function parseTokenCount({
  value,
  field,
  optional = false,
}: {
  value: unknown;
  field: string;
  optional?: boolean;
}): number | undefined {
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new UsageEventError({ field, message: 'is missing' });
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UsageEventError({
      field,
      message: `must be a non-negative integer, got ${JSON.stringify(value) ?? String(value)}`,
    });
  }
  return value;
}
