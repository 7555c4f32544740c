import type { MeterQueryParams, OpenMeterMeterReader } from '@llm-meter/openmeter-client';
import {
  defaultReconcileMeters,
  type ReconcileMeters,
  type ReconcileReport,
  reconcileUsage,
  type UsageReportClient,
} from '@llm-meter/reconcile';
import type { DayRange } from './create-openmeter-reader.js';
import type { ShownQuery } from './shown-query.js';

/** One provider's reconciliation, with the id of the query behind each metered token column. */
export interface ReconciledProvider {
  report: ReconcileReport;
  /** The shown query each metered field's figures were summed from (absent: meter not read). */
  queryIds: Partial<Record<keyof ReconcileMeters, string>>;
}

/** What the reconciliation page shows, with the meter queries it came from. */
export interface ReconciliationData {
  providers: ReconciledProvider[];
  /** Each meter query the reconciliations sent, once (the providers' queries are the same). */
  queries: ShownQuery[];
}

// Which usage field each shipped meter sums, to name a recorded query by what it feeds.
const fieldOfMeter = new Map(
  (Object.entries(defaultReconcileMeters) as Array<[keyof ReconcileMeters, string]>).map(
    ([field, meter]) => [meter, field],
  ),
);

/**
 * Reconciles OpenMeter's meters against each configured provider's usage and cost reports
 * (threshold 1 %, costs compared), as `pnpm reconcile` does, and records the meter queries each
 * reconciliation sends, so every metered figure on the page links to the query it was summed
 * from. Reads only: `meters.get` and `meters.query`.
 */
export async function readReconciliation({
  openmeter,
  showMeterQuery,
  reportClients,
  from,
  to,
}: DayRange & {
  /** The meters read (v1, or v3 through `createV3MeterReader`). */
  openmeter: OpenMeterMeterReader;
  /** The query as shown on the page, for the API `openmeter` reads. */
  showMeterQuery: (input: { id: string; meter: string; params: MeterQueryParams }) => ShownQuery;
  reportClients: readonly UsageReportClient[];
}): Promise<ReconciliationData> {
  const queries = new Map<string, ShownQuery>();
  const providers = await Promise.all(
    reportClients.map(async (usageReport): Promise<ReconciledProvider> => {
      const queryIds: ReconciledProvider['queryIds'] = {};
      const recorded: OpenMeterMeterReader = {
        meters: {
          get: (meter) => openmeter.meters.get(meter),
          query: (meter, params = {}) => {
            const field = fieldOfMeter.get(meter);
            if (field !== undefined) {
              const shown = showMeterQuery({ id: `q-${field}`, meter, params });
              const known = queries.get(shown.url);
              if (known) queryIds[field] = known.id;
              else {
                // The same meter queried otherwise (never, with one range) keeps its own anchor.
                const taken = [...queries.values()].some((query) => query.id === shown.id);
                const id = taken ? `q-${usageReport.provider}-${field}` : shown.id;
                queries.set(shown.url, { ...shown, id });
                queryIds[field] = id;
              }
            }
            return openmeter.meters.query(meter, params);
          },
        },
      };
      const report = await reconcileUsage({
        openmeter: recorded,
        usageReport,
        from,
        to,
        threshold: 1,
        costs: true,
        meters: defaultReconcileMeters,
      });
      return { report, queryIds };
    }),
  );
  return { providers, queries: [...queries.values()] };
}
