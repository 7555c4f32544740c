import { formatReconcileReport, type ReconcileReport } from '@llm-meter/reconcile';
import { Layout } from './layout.js';

/** A provider the page could not reconcile, and why (the variable to set). */
export interface NotReconciled {
  name: string;
  reason: string;
}

/**
 * The drift tables of the meters against each provider's usage and cost APIs whose key is
 * configured, as `pnpm reconcile` prints them, and which providers were not reconciled.
 */
export function ReconciliationPage({
  reports,
  notReconciled,
  from,
  to,
  cacheSeconds,
}: {
  reports: readonly ReconcileReport[];
  notReconciled: readonly NotReconciled[];
  from: string;
  to: string;
  cacheSeconds: number;
}) {
  return (
    <Layout
      title="Reconciliation"
      range={{ from, to, action: '/reconciliation' }}
      cacheSeconds={cacheSeconds}
      queries={[]}
    >
      {reports.map((report) => (
        <section data-provider={report.provider}>
          <h2>
            {report.providerName}:{' '}
            {report.pastThreshold === 0 ? 'no drift' : `${report.pastThreshold} row(s) drift`}
          </h2>
          <pre class="drift">{formatReconcileReport(report)}</pre>
        </section>
      ))}
      {notReconciled.length > 0 && (
        <section>
          <h2>Not reconciled</h2>
          <ul>
            {notReconciled.map(({ name, reason }) => (
              <li>
                {name}: {reason}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p class="note">
        The same comparison as pnpm reconcile --from {from} --to {to}: OpenMeter's meters by day,
        model and served tier beside each provider's own usage and cost reports.
      </p>
    </Layout>
  );
}
