import { priceUsageTableRow } from '@llm-meter/app-kit';
import type { PricedUsageRow } from '@llm-meter/prices';
import type { CustomerData } from '../read/create-openmeter-reader.js';
import { sumCost, sumTokens } from '../summarize-usage.js';
import { formatCost } from './format-cost.js';
import { Layout, QueryNumber } from './layout.js';

/**
 * One subject: its usage by day, model and served tier with token types and cost, its budgets
 * (metered entitlements: used, remaining, access) and its latest events with their usage_source.
 */
export function CustomerPage({
  subject,
  data,
  from,
  to,
  cacheSeconds,
}: {
  subject: string;
  data: CustomerData;
  from: string;
  to: string;
  cacheSeconds: number;
}) {
  const reasoning = new Map(data.reasoning.map((entry) => [entry.model, entry.tokens]));
  const tokens = sumTokens(data.rows);
  const pricedRows = data.rows.map(priceUsageTableRow);
  return (
    <Layout
      title={`Customer ${subject}`}
      range={{ from, to, action: `/customers/${encodeURIComponent(subject)}` }}
      cacheSeconds={cacheSeconds}
      queries={[
        ...data.queries.rows,
        data.queries.reasoning,
        data.queries.refusals,
        data.queries.entitlements,
        data.queries.events,
        data.queries.customer,
      ].filter((query) => query !== undefined)}
    >
      {data.customer !== undefined && (
        <p id="customer">
          OpenMeter customer:{' '}
          {data.customer === null ? (
            <a href="#q-customer">none attributed to this subject</a>
          ) : (
            <a href="#q-customer" data-customer-id={data.customer.id}>
              {data.customer.name}
              {data.customer.key !== undefined && data.customer.key !== data.customer.name
                ? ` (${data.customer.key})`
                : ''}
            </a>
          )}
        </p>
      )}
      <section class="totals">
        <div>
          <span class="label">tokens</span>
          <QueryNumber
            value={String(tokens.total_tokens)}
            query="q-total_tokens"
            metric="total_tokens"
          />
        </div>
        <div>
          <span class="label">cost</span>
          <QueryNumber value={formatCost(sumCost(pricedRows))} query="queries" metric="cost" />
        </div>
      </section>
      <section>
        <h2>Usage by model and token type</h2>
        {data.rows.length === 0 ? (
          <p>
            No usage recorded from {from} to {to}.
          </p>
        ) : (
          <table id="usage">
            <thead>
              <tr>
                <th>day</th>
                <th>model</th>
                <th>tier</th>
                <th>input</th>
                <th>cached</th>
                <th>cache write</th>
                <th>output</th>
                <th>total</th>
                <th>cost</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row, index) => {
                const priced = pricedRows[index] as PricedUsageRow;
                return (
                  <tr data-model={row.model} data-day={row.day}>
                    <td>{row.day}</td>
                    <td>{row.model}</td>
                    <td>{row.serviceTier ?? '-'}</td>
                    <td>
                      <QueryNumber
                        value={String(row.prompt_tokens)}
                        query="q-prompt_tokens"
                        metric="prompt_tokens"
                      />
                    </td>
                    <td>
                      <QueryNumber
                        value={String(row.cached_tokens)}
                        query="q-cached_tokens"
                        metric="cached_tokens"
                      />
                    </td>
                    <td>
                      {row.cache_write_tokens === undefined ? (
                        'not metered'
                      ) : (
                        <QueryNumber
                          value={String(row.cache_write_tokens)}
                          query="q-cache_write_tokens"
                          metric="cache_write_tokens"
                        />
                      )}
                    </td>
                    <td>
                      <QueryNumber
                        value={String(row.completion_tokens)}
                        query="q-completion_tokens"
                        metric="completion_tokens"
                      />
                    </td>
                    <td>
                      <QueryNumber
                        value={String(row.total_tokens)}
                        query="q-total_tokens"
                        metric="total_tokens"
                      />
                    </td>
                    <td class={priced.usd === undefined ? 'unpriced' : undefined}>
                      <QueryNumber value={priced.cell} query="queries" metric="cost" />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <h3>Reasoning tokens by model (part of output)</h3>
        {reasoning.size === 0 && (
          <p>
            None metered from {from} to {to}.
          </p>
        )}
        <table id="reasoning">
          <tbody>
            {[...reasoning].map(([model, value]) => (
              <tr data-model={model}>
                <td>{model}</td>
                <td>
                  <QueryNumber
                    value={String(value)}
                    query="q-reasoning"
                    metric="reasoning_tokens"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="note">
          Cache writes are part of input, and counted apart by the llm_cache_write_tokens meter;
          "not metered" where the OpenMeter read has no such meter (then they are priced as input).
        </p>
      </section>
      <section>
        <h2>Budget</h2>
        {data.entitlements === undefined ? (
          <p>
            Not shown: balances of metered entitlements are served by OpenMeter's v1 API only, which
            Kong Konnect does not serve.
          </p>
        ) : data.entitlements.length === 0 ? (
          <p>No metered entitlement: this subject has no budget in OpenMeter.</p>
        ) : (
          <table id="budget">
            <thead>
              <tr>
                <th>feature</th>
                <th>used</th>
                <th>remaining</th>
                <th>overage</th>
                <th>access</th>
              </tr>
            </thead>
            <tbody>
              {data.entitlements.map((entitlement) => (
                <tr data-feature={entitlement.featureKey}>
                  <td>{entitlement.featureKey}</td>
                  <td>
                    <QueryNumber
                      value={String(entitlement.usage ?? '-')}
                      query="q-entitlements"
                      metric="usage"
                    />
                  </td>
                  <td>
                    <QueryNumber
                      value={String(entitlement.balance ?? '-')}
                      query="q-entitlements"
                      metric="balance"
                    />
                  </td>
                  <td>{String(entitlement.overage ?? '-')}</td>
                  <td>{entitlement.hasAccess ? 'yes' : 'no: calls are refused'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>Refusals</h3>
        {data.refusals === undefined ? (
          <p>
            Not metered: the OpenMeter read has no llm_budget_refusals meter (create it from
            meters-api.json).
          </p>
        ) : (
          <p>
            <QueryNumber
              value={String(data.refusals.reduce((total, row) => total + row.refusals, 0))}
              query="q-refusals"
              metric="refusals"
            />{' '}
            calls refused over budget from {from} to {to}, before they were sent (nothing spent).
          </p>
        )}
        {data.refusals !== undefined && data.refusals.length > 0 && (
          <table id="refusals">
            <tbody>
              {data.refusals.map((row) => (
                <tr data-model={row.model ?? ''}>
                  <td>{row.model ?? '(no model named)'}</td>
                  <td>
                    <QueryNumber
                      value={String(row.refusals)}
                      query="q-refusals"
                      metric="refusals"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="note">
          A refused call is never sent: the gate, the proxy and the wrappers record it as a refusal
          event (llm_refusal), counted by llm_budget_refusals, never as tokens nor priced. Access
          "no" means calls are refused now.
        </p>
      </section>
      <section>
        <h2>Latest events</h2>
        <table id="events">
          <thead>
            <tr>
              <th>time</th>
              <th>id</th>
              <th>type</th>
              <th>model</th>
              <th>usage_source</th>
              <th>total tokens</th>
            </tr>
          </thead>
          <tbody>
            {data.events.map((ingested) => {
              const eventData = (ingested.event.data ?? {}) as Record<string, unknown>;
              return (
                <tr>
                  <td>{ingested.event.time ?? ''}</td>
                  <td>
                    <a href="#q-events">{ingested.event.id}</a>
                  </td>
                  <td>{ingested.event.type}</td>
                  <td>{String(eventData.model ?? eventData.requested_model ?? '')}</td>
                  <td>{String(eventData.usage_source ?? '-')}</td>
                  <td>{String(eventData.total_tokens ?? '')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
