import { formatUsd } from '@llm-meter/prices';
import { type DriftRow, driftTokenFields, isPastThreshold } from '@llm-meter/reconcile';
import type { ReconciledProvider } from '../read/read-reconciliation.js';
import { QueryNumber } from './layout.js';

// A metered cost is priced from every token meter's query: it links to the whole list.
const allQueries = 'queries';

/** Which report of the provider a row's reported figure comes from. */
function reportOf(row: DriftRow): string {
  return row.metric === 'cost_usd' ? 'cost report' : 'usage report';
}

/** The drift mark of a row: `!` past the threshold, `~` known drift, or none. */
export function markOf({ row, threshold }: { row: DriftRow; threshold: number }): '!' | '~' | '' {
  if (row.knownDrift === true) return '~';
  return isPastThreshold({ row, threshold }) ? '!' : '';
}

/**
 * One provider's drift rows as a table, the columns `pnpm reconcile` prints: each metered figure
 * links to the meter query it was summed from (a cost, to the list of queries it was priced
 * from), each reported figure says which of the provider's reports gave it, and rows past the
 * threshold are marked `!`, known drift `~`.
 */
export function DriftTable({ provider }: { provider: ReconciledProvider }) {
  const { report, queryIds } = provider;
  const { dimensions } = report;
  if (report.rows.length === 0) return <p>No usage on either side.</p>;
  const value = (row: DriftRow, amount: number) =>
    row.metric === 'cost_usd' ? formatUsd(amount) : String(amount);
  const queryOf = (row: DriftRow) =>
    row.metric === 'cost_usd' || row.metric === 'requests'
      ? allQueries
      : (queryIds[driftTokenFields[row.metric]] ?? allQueries);
  return (
    <table class="drift" data-provider={report.provider}>
      <thead>
        <tr>
          <th>day</th>
          <th>model</th>
          {dimensions.serviceTier && <th>tier</th>}
          {dimensions.projectId && <th>project</th>}
          {dimensions.apiKeyId && <th>api key</th>}
          <th>metric</th>
          <th>metered (OpenMeter)</th>
          <th>reported by {report.providerName}</th>
          <th>difference</th>
          <th>%</th>
          <th>
            <abbr title="drift mark: see the legend below">mark</abbr>
          </th>
          <th>estimated</th>
          <th>settled</th>
        </tr>
      </thead>
      <tbody>
        {report.rows.map((row) => {
          const mark = markOf({ row, threshold: report.threshold });
          return (
            <tr
              data-day={row.day}
              data-model={row.model}
              data-tier={row.serviceTier}
              data-metric={row.metric}
              class={mark === '!' ? 'past' : mark === '~' ? 'known' : undefined}
            >
              <td>{row.day}</td>
              <td>{row.model}</td>
              {dimensions.serviceTier && <td>{row.serviceTier}</td>}
              {dimensions.projectId && <td>{row.projectId}</td>}
              {dimensions.apiKeyId && <td>{row.apiKeyId}</td>}
              <td>{row.metric}</td>
              <td>
                <QueryNumber
                  value={value(row, row.metered)}
                  query={queryOf(row)}
                  metric="metered"
                />
              </td>
              <td class="reported" data-source={reportOf(row)}>
                {value(row, row.reported)}{' '}
                <span class="source" title={`${report.providerName}'s ${reportOf(row)}`}>
                  {reportOf(row)}
                </span>
              </td>
              <td class="number">
                {row.difference > 0 ? `+${value(row, row.difference)}` : value(row, row.difference)}
              </td>
              <td class="number">{row.percent === null ? 'n/a' : `${row.percent.toFixed(2)}%`}</td>
              <td class="mark">{mark}</td>
              <td class="number">{row.estimated > 0 ? String(row.estimated) : ''}</td>
              <td class="number">
                {row.settled === 0 ? '' : row.settled > 0 ? `+${row.settled}` : String(row.settled)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
