import type { OverviewData } from '../read/create-openmeter-reader.js';
import { summarizeUsage } from '../summarize-usage.js';
import { formatCost } from './format-cost.js';
import { Layout, QueryNumber } from './layout.js';

// A cost is priced from all four token meters' queries: it links to the whole list.
const costQuery = 'queries';

/**
 * The overview: tokens and cost per day stacked by provider and model, the customers by tokens,
 * the shares of exact, estimated and settled usage, and unpriced usage as such.
 */
export function OverviewPage({
  data,
  from,
  to,
  cacheSeconds,
}: {
  data: OverviewData;
  from: string;
  to: string;
  cacheSeconds: number;
}) {
  const summary = summarizeUsage({ rows: data.rows, from, to });
  const sourceTotal = data.sources.reduce((total, source) => total + source.tokens, 0);
  const rangeQuery = `from=${from}&to=${to}`;
  return (
    <Layout
      title="Overview"
      range={{ from, to, action: '/' }}
      cacheSeconds={cacheSeconds}
      queries={[...data.queries.rows, data.queries.sources]}
    >
      <section class="totals">
        <div>
          <span class="label">tokens</span>
          <QueryNumber
            value={String(summary.tokens.total_tokens)}
            query="q-total_tokens"
            metric="total_tokens"
          />
        </div>
        <div>
          <span class="label">cost</span>
          <QueryNumber value={formatCost(summary.cost)} query={costQuery} metric="cost" />
        </div>
      </section>
      <section>
        <h2>Cost per day (USD, priced usage), by provider and model</h2>
        <canvas
          class="chart"
          data-chart={JSON.stringify({ unit: 'USD', ...summary.costPerDay })}
          aria-label="cost per day"
        />
      </section>
      <section>
        <h2>Tokens per day, by provider and model</h2>
        <canvas
          class="chart"
          data-chart={JSON.stringify({ unit: 'tokens', ...summary.tokensPerDay })}
          aria-label="tokens per day"
        />
      </section>
      <section>
        <h2>Customers</h2>
        {summary.subjects.length === 0 ? (
          <p>
            No usage recorded from {from} to {to}.
          </p>
        ) : (
          <table id="customers">
            <thead>
              <tr>
                <th>subject</th>
                <th>input</th>
                <th>cached</th>
                <th>output</th>
                <th>total</th>
                <th>cost</th>
              </tr>
            </thead>
            <tbody>
              {summary.subjects.map(({ subject, tokens, cost }) => (
                <tr data-subject={subject}>
                  <td>
                    <a href={`/customers/${encodeURIComponent(subject)}?${rangeQuery}`}>
                      {subject}
                    </a>
                  </td>
                  <td>
                    <QueryNumber
                      value={String(tokens.prompt_tokens)}
                      query="q-prompt_tokens"
                      metric="prompt_tokens"
                    />
                  </td>
                  <td>
                    <QueryNumber
                      value={String(tokens.cached_tokens)}
                      query="q-cached_tokens"
                      metric="cached_tokens"
                    />
                  </td>
                  <td>
                    <QueryNumber
                      value={String(tokens.completion_tokens)}
                      query="q-completion_tokens"
                      metric="completion_tokens"
                    />
                  </td>
                  <td>
                    <QueryNumber
                      value={String(tokens.total_tokens)}
                      query="q-total_tokens"
                      metric="total_tokens"
                    />
                  </td>
                  <td>
                    <QueryNumber value={formatCost(cost)} query={costQuery} metric="cost" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Exact, estimated and settled usage</h2>
        <table id="sources">
          <thead>
            <tr>
              <th>usage_source</th>
              <th>tokens</th>
              <th>share</th>
            </tr>
          </thead>
          <tbody>
            {data.sources.map(({ usageSource, tokens }) => (
              <tr data-source={usageSource ?? '-'}>
                <td>{usageSource ?? '- (not given)'}</td>
                <td>
                  <QueryNumber value={String(tokens)} query="q-sources" metric="tokens" />
                </td>
                <td>{sourceTotal === 0 ? '-' : `${((100 * tokens) / sourceTotal).toFixed(1)}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="note">
          provider: the provider's own counts; estimated: counted here when a stream ended without
          usage; settled: the corrections that brought estimates to the provider's numbers.
        </p>
      </section>
      <section>
        <h2>Unpriced usage</h2>
        {summary.unpriced.length === 0 ? (
          <p>Every row has a price.</p>
        ) : (
          <table id="unpriced">
            <thead>
              <tr>
                <th>day</th>
                <th>subject</th>
                <th>model</th>
                <th>tier</th>
                <th>total tokens</th>
                <th>cost</th>
              </tr>
            </thead>
            <tbody>
              {summary.unpriced.map(({ row, reason }) => (
                <tr>
                  <td>{row.day}</td>
                  <td>{row.subject}</td>
                  <td>{row.model}</td>
                  <td>{row.serviceTier ?? '-'}</td>
                  <td>
                    <QueryNumber
                      value={String(row.total_tokens)}
                      query="q-total_tokens"
                      metric="total_tokens"
                    />
                  </td>
                  <td class="unpriced">unpriced ({reason})</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
