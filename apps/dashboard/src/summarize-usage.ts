import { priceUsageTableRow, type UsageTableRow } from '@llm-meter/app-kit';
import { type PricedUsageRow, totalUsageCost } from '@llm-meter/prices';

/** Token sums of rows, as the usage table's columns. */
export interface TokenSums {
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Cost of rows: USD over the priced ones, and how many rows had no price (never $0 for them). */
export interface CostSum {
  usd: number;
  unpricedRows: number;
}

/** A chart's series by day: one dataset per provider and model. */
export interface DailySeries {
  days: string[];
  datasets: Array<{ label: string; data: number[] }>;
}

/** An unpriced row's tokens and why it has no price. */
export interface UnpricedUsage {
  row: UsageTableRow;
  reason: string;
}

/** What the overview shows of the usage table's rows. */
export interface UsageSummary {
  tokens: TokenSums;
  cost: CostSum;
  tokensPerDay: DailySeries;
  costPerDay: DailySeries;
  /** Subjects by total tokens, most first. */
  subjects: Array<{ subject: string; tokens: TokenSums; cost: CostSum }>;
  unpriced: UnpricedUsage[];
}

/** The sums of `rows`' token columns. */
export function sumTokens(rows: readonly UsageTableRow[]): TokenSums {
  const sums = { prompt_tokens: 0, cached_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const row of rows) {
    sums.prompt_tokens += row.prompt_tokens;
    sums.cached_tokens += row.cached_tokens;
    sums.completion_tokens += row.completion_tokens;
    sums.total_tokens += row.total_tokens;
  }
  return sums;
}

/**
 * The cost of rows priced with `priceUsageTableRow`, as the usage table's totals line computes
 * it (`totalUsageCost`). Pricing is the costly part (genai-prices matches the model each time):
 * price each row once and pass the results.
 */
export function sumCost(priced: readonly PricedUsageRow[]): CostSum {
  const total = totalUsageCost(priced);
  return { usd: total.usd, unpricedRows: total.unpricedRows };
}

/** Every day from `from` to `to` (both included), so a chart shows days without usage as 0. */
export function listDays({ from, to }: { from: string; to: string }): string[] {
  const days: string[] = [];
  const day = new Date(`${from}T00:00:00.000Z`);
  const end = new Date(`${to}T00:00:00.000Z`);
  while (day <= end && days.length < 3660) {
    days.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

/**
 * Summarizes usage-table rows for the overview: totals, tokens and cost per day by provider and
 * model (cost over priced rows only; unpriced rows listed apart), and the subjects by tokens.
 */
export function summarizeUsage({
  rows,
  from,
  to,
}: {
  rows: readonly UsageTableRow[];
  from: string;
  to: string;
}): UsageSummary {
  const days = listDays({ from, to });
  const dayIndex = new Map(days.map((day, index) => [day, index]));
  const tokenSeries = new Map<string, number[]>();
  const costSeries = new Map<string, number[]>();
  const unpriced: UnpricedUsage[] = [];
  // Each row priced once, for the series, the total and its subject's cost.
  const pricedRows = rows.map(priceUsageTableRow);
  rows.forEach((row, rowIndex) => {
    const index = dayIndex.get(row.day);
    const label = `${row.provider ?? 'openai'} / ${row.model}`;
    const priced = pricedRows[rowIndex] as PricedUsageRow;
    if (priced.price.status !== 'priced') {
      unpriced.push({ row, reason: priced.price.reason.replaceAll('_', ' ') });
    }
    if (index === undefined) return;
    const tokens = tokenSeries.get(label) ?? days.map(() => 0);
    tokens[index] = (tokens[index] ?? 0) + row.total_tokens;
    tokenSeries.set(label, tokens);
    if (priced.usd !== undefined) {
      const cost = costSeries.get(label) ?? days.map(() => 0);
      cost[index] = (cost[index] ?? 0) + priced.usd;
      costSeries.set(label, cost);
    }
  });
  const bySubject = new Map<string, { rows: UsageTableRow[]; priced: PricedUsageRow[] }>();
  rows.forEach((row, rowIndex) => {
    let subject = bySubject.get(row.subject);
    if (!subject) {
      subject = { rows: [], priced: [] };
      bySubject.set(row.subject, subject);
    }
    subject.rows.push(row);
    subject.priced.push(pricedRows[rowIndex] as PricedUsageRow);
  });
  const series = (map: Map<string, number[]>) => ({
    days,
    datasets: [...map]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, data]) => ({ label, data })),
  });
  return {
    tokens: sumTokens(rows),
    cost: sumCost(pricedRows),
    tokensPerDay: series(tokenSeries),
    costPerDay: series(costSeries),
    subjects: [...bySubject]
      .map(([subject, { rows: subjectRows, priced }]) => ({
        subject,
        tokens: sumTokens(subjectRows),
        cost: sumCost(priced),
      }))
      .sort(
        (a, b) =>
          b.tokens.total_tokens - a.tokens.total_tokens || a.subject.localeCompare(b.subject),
      ),
    unpriced,
  };
}
