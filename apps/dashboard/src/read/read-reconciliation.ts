import type { OpenMeterMeterReader } from '@llm-meter/openmeter-client';
import {
  defaultReconcileMeters,
  type ReconcileMeters,
  type ReconcileReport,
  reconcileUsage,
  type UsageReportClient,
} from '@llm-meter/reconcile';
import type { DayRange } from './create-openmeter-reader.js';
import type { OpenMeterReadApi } from './open-meter-read-api.js';
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
 * from (v1's `GET`, v3's `POST` with its body). Reads only: `meters.get` and `meters.query`.
 */
export async function readReconciliation({
  api,
  reportClients,
  from,
  to,
}: DayRange & {
  /** OpenMeter's meters (v1, or v3 through `createV3MeterReader`) and how each query is shown. */
  api: Pick<OpenMeterReadApi, 'meters' | 'showMeterQuery'>;
  reportClients: readonly UsageReportClient[];
}): Promise<ReconciliationData> {
  const queries = new Map<string, ShownQuery>();
  const providers = await Promise.all(
    reportClients.map(async (usageReport): Promise<ReconciledProvider> => {
      const queryIds: ReconciledProvider['queryIds'] = {};
      const recorded: OpenMeterMeterReader = {
        meters: {
          get: (meter) => api.meters.meters.get(meter),
          query: async (meter, params = {}) => {
            const answer = await api.meters.meters.query(meter, params);
            const field = fieldOfMeter.get(meter);
            if (field !== undefined) {
              // After the query: on v3, showing it reuses the meter's id that query looked up.
              const shown = await api.showMeterQuery({ id: `q-${field}`, meter, params });
              // v3's queries of one meter share a URL and differ by body.
              const key = `${shown.method} ${shown.url} ${JSON.stringify(shown.body ?? null)}`;
              const known = queries.get(key);
              if (known) queryIds[field] = known.id;
              else {
                // The same meter queried otherwise (never, with one range) keeps its own anchor.
                const taken = [...queries.values()].some((query) => query.id === shown.id);
                const id = taken ? `q-${usageReport.provider}-${field}` : shown.id;
                queries.set(key, { ...shown, id });
                queryIds[field] = id;
              }
            }
            return answer;
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
