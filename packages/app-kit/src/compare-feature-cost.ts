import type { OpenMeterV3Client } from '@llm-meter/openmeter-client/v3';
import { formatUsd } from '@llm-meter/prices';
import Big from 'big.js';
import { priceUsageTableRow, type UsageTableRow } from './format-usage-table.js';

/** One customer's cost on one day, as the toolkit and as OpenMeter computed it. */
export interface CostComparisonRow {
  day: string;
  subject: string;
  /** The toolkit's cost: the usage table's rows priced by `@llm-meter/prices`. */
  toolkitUsd: number;
  /** Usage-table rows the toolkit could not price (left out of `toolkitUsd`, never $0). */
  toolkitUnpriced: number;
  /**
   * Of `toolkitUsd`, what 1-hour cache writes cost above the 5-minute rate: OpenMeter's cost
   * database has one cache-write rate, so its cost leaves this out; set aside when comparing.
   */
  cacheWrite1hSurchargeUsd: number;
  /** OpenMeter's cost: the feature cost query's rows, summed. */
  openmeterUsd: number;
  /** Cost-query rows OpenMeter answered with a null cost, with their details. */
  openmeterUnpriced: string[];
  /**
   * Both priced everything and the amounts are within half a cent, once the 1-hour cache-write
   * surcharge is set aside.
   */
  agrees: boolean;
}

/** The two costs side by side, and whether they agree to the cent on every row. */
export interface CostComparison {
  rows: CostComparisonRow[];
  agrees: boolean;
}

// "To the cent": amounts within half a cent of each other round to the same cent or to
// neighbouring ones only at a boundary; exact arithmetic on both sides stays far below it.
const toleranceUsd = 0.005;

/**
 * Sets the toolkit's cost of the usage table (each row priced at its served tier's rates by
 * `@llm-meter/prices`) beside OpenMeter's own, the v3 feature cost query of `featureId` (the
 * `llm_token_cost` feature on the token-type events), per customer (subject) and UTC day over the
 * table's days. A day and subject agree when neither side left anything unpriced and the amounts
 * are within half a cent once the toolkit's 1-hour cache-write surcharge (which OpenMeter's one
 * cache-write rate cannot price) is set aside.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export async function compareFeatureCost({
  client,
  featureId,
  rows,
}: {
  client: Pick<OpenMeterV3Client, 'features'>;
  featureId: string;
  rows: readonly UsageTableRow[];
}): Promise<CostComparison> {
  const cells = new Map<string, CostComparisonRow>();
  const cell = (day: string, subject: string) => {
    const key = `${day}\u0000${subject}`;
    let found = cells.get(key);
    if (!found) {
      found = {
        day,
        subject,
        toolkitUsd: 0,
        toolkitUnpriced: 0,
        cacheWrite1hSurchargeUsd: 0,
        openmeterUsd: 0,
        openmeterUnpriced: [],
        agrees: false,
      };
      cells.set(key, found);
    }
    return found;
  };
  for (const row of rows) {
    const priced = priceUsageTableRow(row);
    const target = cell(row.day, row.subject);
    if (priced.usd === undefined) {
      target.toolkitUnpriced += 1;
      continue;
    }
    target.toolkitUsd += priced.usd;
    if ((row.cache_write_1h_tokens ?? 0) > 0) {
      // The same row with every cache write at the 5-minute rate: what OpenMeter can price.
      const fiveMinute = priceUsageTableRow({ ...row, cache_write_1h_tokens: 0 });
      if (fiveMinute.usd !== undefined)
        target.cacheWrite1hSurchargeUsd += priced.usd - fiveMinute.usd;
    }
  }
  const days = rows.map((row) => row.day).sort();
  const first = days[0];
  const last = days.at(-1);
  if (first !== undefined && last !== undefined) {
    const to = new Date(`${last}T00:00:00.000Z`);
    to.setUTCDate(to.getUTCDate() + 1);
    const result = await client.features.queryCost(featureId, {
      from: `${first}T00:00:00.000Z`,
      to: to.toISOString(),
      granularity: 'P1D',
      time_zone: 'UTC',
      group_by_dimensions: ['subject'],
    });
    const sums = new Map<CostComparisonRow, Big>();
    for (const row of result.data) {
      const target = cell(row.from.slice(0, 10), row.dimensions.subject ?? '');
      if (row.cost === null) {
        target.openmeterUnpriced.push(row.detail ?? 'no price');
      } else {
        sums.set(target, (sums.get(target) ?? new Big(0)).plus(row.cost));
      }
    }
    for (const [target, sum] of sums) target.openmeterUsd = Number(sum);
  }
  const compared = [...cells.values()]
    .map((row) => ({
      ...row,
      agrees:
        row.toolkitUnpriced === 0 &&
        row.openmeterUnpriced.length === 0 &&
        Math.abs(row.toolkitUsd - row.cacheWrite1hSurchargeUsd - row.openmeterUsd) < toleranceUsd,
    }))
    .sort((a, b) => a.day.localeCompare(b.day) || a.subject.localeCompare(b.subject));
  return { rows: compared, agrees: compared.every((row) => row.agrees) };
}

/**
 * Renders the comparison for under the usage table: one line when every customer and day agree,
 * else the verdict and one line per customer and day, each disagreement marked `!`.
 */
export function formatCostComparison({
  comparison,
  featureKey,
}: {
  comparison: CostComparison;
  featureKey: string;
}): string {
  const total = (pick: (row: CostComparisonRow) => number) =>
    formatUsd(comparison.rows.reduce((sum, row) => sum + pick(row), 0));
  const surcharge = comparison.rows.reduce((sum, row) => sum + row.cacheWrite1hSurchargeUsd, 0);
  const setAside =
    surcharge > 0
      ? ` (of which ${formatUsd(surcharge)} is 1-hour cache writes above the 5-minute rate, which OpenMeter's cost database cannot price: set aside)`
      : '';
  const both = `toolkit ${total((row) => row.toolkitUsd)}${setAside}, OpenMeter ${total((row) => row.openmeterUsd)}`;
  if (comparison.agrees) {
    return `Cost check: the toolkit's prices and OpenMeter's feature cost query (${featureKey}) agree to the cent for every customer and day (${comparison.rows.length}): ${both}.`;
  }
  const lines = [
    `Cost check: the toolkit's prices and OpenMeter's feature cost query (${featureKey}) DISAGREE (${both}); by customer and day (! differs):`,
  ];
  for (const row of comparison.rows) {
    const unpriced = [
      row.cacheWrite1hSurchargeUsd > 0
        ? `${formatUsd(row.cacheWrite1hSurchargeUsd)} of 1-hour cache writes set aside`
        : '',
      row.toolkitUnpriced > 0 ? `${row.toolkitUnpriced} table row(s) unpriced by the toolkit` : '',
      row.openmeterUnpriced.length > 0
        ? `OpenMeter unpriced: ${[...new Set(row.openmeterUnpriced)].join('; ')}`
        : '',
    ].filter(Boolean);
    lines.push(
      `${row.agrees ? ' ' : '!'} ${row.day}  ${row.subject}  toolkit ${formatUsd(row.toolkitUsd)}  OpenMeter ${formatUsd(row.openmeterUsd)}${unpriced.length > 0 ? `  (${unpriced.join('; ')})` : ''}`,
    );
  }
  lines.push(
    "OpenMeter's cost database has one rate per token type: flex, priority and batch tiers, 1-hour cache writes, Anthropic's US inference and long prompts above a context tier are priced by the toolkit only, so such usage differs.",
  );
  return lines.join('\n');
}
