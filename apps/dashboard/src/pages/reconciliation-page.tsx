import { formatReconcileVerdict } from '@llm-meter/reconcile';
import type { ReconciliationData } from '../read/read-reconciliation.js';
import { DriftTable } from './drift-table.js';
import { Layout } from './layout.js';

/** A provider the page could not reconcile, and why (the variable to set). */
export interface NotReconciled {
  name: string;
  reason: string;
}

/**
 * The drift tables of the meters against each provider's usage and cost APIs whose key is
 * configured (one table per provider, the rows `pnpm reconcile` prints, each metered figure
 * linked to its meter query), with a legend of the drift marks, and which providers were not
 * reconciled and why.
 */
export function ReconciliationPage({
  data,
  notReconciled,
  from,
  to,
  cacheSeconds,
}: {
  data: ReconciliationData;
  notReconciled: readonly NotReconciled[];
  from: string;
  to: string;
  cacheSeconds: number;
}) {
  const threshold = data.providers[0]?.report.threshold;
  return (
    <Layout
      title="Reconciliation"
      range={{ from, to, action: '/reconciliation' }}
      cacheSeconds={cacheSeconds}
      queries={data.queries}
    >
      {data.providers.map(({ report, queryIds }) => (
        <section data-provider={report.provider}>
          <h2>
            {report.providerName}:{' '}
            {report.pastThreshold === 0 ? 'no drift' : `${report.pastThreshold} row(s) drift`}
          </h2>
          <DriftTable provider={{ report, queryIds }} />
          <p class="verdict">{formatReconcileVerdict(report)}</p>
          {report.unpriced.length > 0 && (
            <>
              <p>Unpriced (left out of the metered cost):</p>
              <ul class="unpriced">
                {report.unpriced.map((line) => (
                  <li>{line}</li>
                ))}
              </ul>
            </>
          )}
          <details>
            <summary>What this cannot tell</summary>
            <ul>
              {report.limitations.map((line) => (
                <li>{line}</li>
              ))}
            </ul>
            <p class="note">{report.prices}</p>
          </details>
        </section>
      ))}
      {threshold !== undefined && (
        <section id="legend">
          <h2>Reading the tables</h2>
          <dl>
            <dt>metered</dt>
            <dd>
              OpenMeter's figure: the rows of the linked meter query (one window per UTC day) of
              that day, model and tier, summed over usage_source, for the table's provider (rows
              without a provider count as it). A cost is the metered tokens priced at the served
              tier, from every token query.
            </dd>
            <dt>reported by</dt>
            <dd>
              The provider's own figure: tokens and requests from its usage report, cost from its
              cost report.
            </dd>
            <dt>!</dt>
            <dd>
              Drift: the difference is past {threshold}% of the reported figure, or the provider
              reports nothing.
            </dd>
            <dt>~</dt>
            <dd>
              Known drift: the difference is no larger than metered estimates the provider cannot
              settle (not counted as drift).
            </dd>
            <dt>estimated, settled</dt>
            <dd>
              Metered tokens that are estimates (streams that ended without usage), and the
              corrections settlement made to them.
            </dd>
          </dl>
        </section>
      )}
      {notReconciled.length > 0 && (
        <section id="not-reconciled">
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
        The same comparison as pnpm reconcile --from {from} --to {to} --threshold 1: OpenMeter's
        meters by day, model and served tier beside each provider's own usage and cost reports.
      </p>
    </Layout>
  );
}
