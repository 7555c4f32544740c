import { formatRfc3339 } from '../events/parse-rfc3339.js';
import { HttpProblem } from '../http/http-problem.js';
import { DEFAULT_REQUEST_LIMITS } from '../http/request-limits.js';
import { parseMeterQuery } from '../query/parse-meter-query.js';
import { runMeterQuery } from '../query/run-meter-query.js';
import type { OpenMeterStore } from '../storage/open-meter-store.js';
import type { Feature } from './entitlement-types.js';

/**
 * Creates the usage measure of a feature for one subject: the feature's meter aggregated over
 * `[from, to)`, filtered by the subject and the feature's group-by filters, from the stored
 * events.
 */
export function createFeatureUsageMeasure({
  store,
  feature,
  subjectKey,
}: {
  store: OpenMeterStore;
  feature: Feature;
  subjectKey: string;
}): (range: { from: number; to: number }) => number {
  const meter = feature.meterSlug ? store.findMeter(feature.meterSlug) : undefined;
  if (!meter) {
    throw new HttpProblem(
      409,
      `Feature ${feature.key} has no meter${feature.meterSlug ? ` (meter ${feature.meterSlug} does not exist)` : ''}: metered entitlements need a feature with an existing meterSlug.`,
    );
  }
  const filterGroupBy = feature.meterGroupByFilters
    ? Object.fromEntries(Object.entries(feature.meterGroupByFilters).map(([k, v]) => [k, [v]]))
    : undefined;
  return ({ from, to }) => {
    const query = parseMeterQuery({
      raw: {
        from: formatRfc3339(from),
        to: formatRfc3339(to),
        subject: [subjectKey],
        filterGroupBy,
        advancedMeterGroupByFilters: feature.advancedMeterGroupByFilters,
      },
      meter,
      limits: DEFAULT_REQUEST_LIMITS,
    });
    const result = runMeterQuery({ store, meter, query });
    return result.data.reduce((total, row) => total + row.value, 0);
  };
}
