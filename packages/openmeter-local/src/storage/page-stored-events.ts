import type { Database } from 'better-sqlite3';
import type { OpenMeterEvent } from '../openmeter-types.js';

/** A comparison on one stored column. */
export interface EventCondition {
  column: 'id' | 'source' | 'subject' | 'type' | 'time_ms' | 'ingested_at_ms' | 'stored_at_ms';
  operator: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'contains' | 'in';
  value: string | number | readonly string[];
}

/** What `pageStoredEvents` reads: conditions, the order, the page size and the cursor. */
export interface EventPageQuery {
  conditions: readonly EventCondition[];
  sortColumn: 'time_ms' | 'ingested_at_ms' | 'stored_at_ms';
  descending: boolean;
  size: number;
  /** The last row of the previous page, from its cursor. */
  after?: { sortValue: number; seq: number } | undefined;
}

/** One stored event with what the v3 listing shows of it. */
export interface PagedEvent {
  seq: number;
  sortValue: number;
  event: OpenMeterEvent;
  ingestedAtMilliseconds: number;
  storedAtMilliseconds: number;
  validationErrors: string[];
}

/**
 * One page of stored events in a stable order (the sort column, then the storage sequence as
 * tie-break), for the v3 API's cursor paging; reads `size + 1` rows to know whether a next page
 * exists.
 */
export function pageStoredEvents({
  database,
  query,
}: {
  database: Database;
  query: EventPageQuery;
}): { events: PagedEvent[]; hasMore: boolean } {
  const where: string[] = [];
  const parameters: Array<string | number> = [];
  for (const condition of query.conditions) {
    if (condition.operator === 'contains') {
      where.push(`instr(${condition.column}, ?) > 0`);
      parameters.push(condition.value as string);
    } else if (condition.operator === 'in') {
      const values = condition.value as readonly string[];
      if (values.length === 0) {
        where.push('0');
        continue;
      }
      where.push(`${condition.column} IN (${values.map(() => '?').join(',')})`);
      parameters.push(...values);
    } else {
      where.push(`${condition.column} ${condition.operator} ?`);
      parameters.push(condition.value as string | number);
    }
  }
  const direction = query.descending ? 'DESC' : 'ASC';
  const beyond = query.descending ? '<' : '>';
  if (query.after) {
    where.push(
      `(${query.sortColumn} ${beyond} ? OR (${query.sortColumn} = ? AND seq ${beyond} ?))`,
    );
    parameters.push(query.after.sortValue, query.after.sortValue, query.after.seq);
  }
  const rows = database
    .prepare(
      `SELECT seq, ${query.sortColumn} AS sort_value, event_json, ingested_at_ms, stored_at_ms FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${query.sortColumn} ${direction}, seq ${direction} LIMIT ?`,
    )
    .all(...parameters, query.size + 1) as Array<{
    seq: number;
    sort_value: number;
    event_json: string;
    ingested_at_ms: number;
    stored_at_ms: number;
  }>;
  const hasMore = rows.length > query.size;
  const page = rows.slice(0, query.size);
  const errors = new Map<number, string[]>();
  if (page.length > 0) {
    const errorRows = database
      .prepare(
        `SELECT event_seq, message FROM event_errors WHERE event_seq IN (${page.map(() => '?').join(',')}) ORDER BY meter_seq`,
      )
      .all(...page.map((row) => row.seq)) as Array<{ event_seq: number; message: string }>;
    for (const { event_seq, message } of errorRows) {
      errors.set(event_seq, [...(errors.get(event_seq) ?? []), message]);
    }
  }
  return {
    hasMore,
    events: page.map((row) => ({
      seq: row.seq,
      sortValue: row.sort_value,
      event: JSON.parse(row.event_json) as OpenMeterEvent,
      ingestedAtMilliseconds: row.ingested_at_ms,
      storedAtMilliseconds: row.stored_at_ms,
      validationErrors: errors.get(row.seq) ?? [],
    })),
  };
}
