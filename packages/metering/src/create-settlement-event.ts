import type { UsageEvent, UsageRecord } from '@llm-meter/meter-core';
import { usageFieldNames } from '@llm-meter/meter-core/internal';

// Fields of an estimate that describe the estimate itself; a correction does not carry them.
const estimateOnlyFields = new Set([
  'usage_source',
  'estimate_reason',
  'cached_tokens_unknown',
  'reasoning_tokens_unknown',
]);

/**
 * The correction event of a settled estimate: same envelope (source, type, subject and time, so
 * the correction lands in the estimate's metering window), id `<estimate id>:settled` (so a
 * replay is deduplicated), the estimate's dimensions, `usage_source: "settled"`,
 * `settles: <estimate id>`, and for every token field the signed difference exact − estimated.
 * Summed with the estimate, which stays as it was, it gives OpenAI's numbers. The event is
 * `undefined` when the estimate was already exact: there is nothing to correct.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function createSettlementEvent({
  estimate,
  exact,
}: {
  estimate: UsageEvent;
  exact: UsageRecord;
}): UsageEvent | undefined {
  const dimensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(estimate.data)) {
    if (!estimateOnlyFields.has(key) && !(usageFieldNames as readonly string[]).includes(key)) {
      dimensions[key] = value;
    }
  }
  const differences: Record<string, number> = {};
  let differs = false;
  for (const field of usageFieldNames) {
    const estimated = estimate.data[field] ?? 0;
    const settled = exact[field] ?? 0;
    const difference = settled - estimated;
    if (difference !== 0) differs = true;
    // Optional fields appear only when one side has them, as in the events themselves.
    if (difference !== 0 || field in estimate.data || exact[field] !== undefined) {
      differences[field] = difference;
    }
  }
  if (!differs) return undefined;
  return {
    ...estimate,
    id: `${estimate.id}:settled`,
    data: {
      ...dimensions,
      ...differences,
      usage_source: 'settled',
      settles: estimate.id,
    } as UsageEvent['data'],
  };
}
