import { UsageEventError } from '../events/usage-event-error.js';
import { type UsageField, type UsageRecord, usageFieldNames, usageFields } from './usage-record.js';

/**
 * Checks that a usage record adds up: total = prompt + completion, and every part fits in the
 * field it is part of ({@link usageFields}). Throws {@link UsageEventError} naming the first field
 * that does not, by its wire name in `fields` (the provider's, e.g. `usage.input_tokens`).
 */
export function checkUsageRecord({
  usage,
  fields,
}: {
  usage: UsageRecord;
  /** Wire name of each field in the provider's usage, for error messages. */
  fields: Partial<Record<UsageField, string>>;
}): UsageRecord {
  const name = (key: UsageField) => fields[key] ?? `usage.${key}`;
  if (usage.total_tokens !== usage.prompt_tokens + usage.completion_tokens) {
    throw new UsageEventError({
      field: name('total_tokens'),
      message: `${usage.total_tokens} is not ${name('prompt_tokens')} + ${name('completion_tokens')} (${usage.prompt_tokens} + ${usage.completion_tokens})`,
    });
  }
  for (const part of usageFieldNames) {
    const whole = (usageFields[part] as { partOf?: UsageField }).partOf;
    const value = usage[part];
    if (whole === undefined || value === undefined) continue;
    const limit = usage[whole] ?? 0;
    if (value > limit) {
      throw new UsageEventError({
        field: name(part),
        message: `${value} exceeds ${name(whole)} (${limit})`,
      });
    }
  }
  return usage;
}
