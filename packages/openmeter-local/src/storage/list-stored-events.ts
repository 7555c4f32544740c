import type { Database } from 'better-sqlite3';
import type { IngestedEvent, OpenMeterEvent } from '../openmeter-types.js';

/**
 * Filters of `listStoredEvents`, in milliseconds since the epoch.
 */
export interface ListEventsFilter {
  fromMilliseconds?: number | undefined;
  toMilliseconds?: number | undefined;
  ingestedFromMilliseconds?: number | undefined;
  ingestedToMilliseconds?: number | undefined;
  subject?: string | undefined;
  id?: string | undefined;
  limit: number;
}

interface EventRow {
  seq: number;
  event_json: string;
  ingested_at_ms: number;
  stored_at_ms: number;
}

/**
 * Lists stored events newest first as `IngestedEvent`s, each with the validation errors the
 * meters reported for it joined into `validationError`.
 */
export function listStoredEvents({
  database,
  filter,
}: {
  database: Database;
  filter: ListEventsFilter;
}): IngestedEvent[] {
  const where: string[] = [];
  const parameters: Array<string | number> = [];
  const add = (clause: string, value: string | number | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    parameters.push(value);
  };
  add('time_ms >= ?', filter.fromMilliseconds);
  add('time_ms <= ?', filter.toMilliseconds);
  add('ingested_at_ms >= ?', filter.ingestedFromMilliseconds);
  add('ingested_at_ms <= ?', filter.ingestedToMilliseconds);
  add('instr(subject, ?) > 0', filter.subject);
  add('instr(id, ?) > 0', filter.id);
  const rows = database
    .prepare(
      `SELECT seq, event_json, ingested_at_ms, stored_at_ms FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY time_ms DESC, seq DESC LIMIT ?`,
    )
    .all(...parameters, filter.limit) as EventRow[];
  const errors = new Map<number, string[]>();
  if (rows.length > 0) {
    const errorRows = database
      .prepare(
        `SELECT event_seq, message FROM event_errors WHERE event_seq IN (${rows.map(() => '?').join(',')}) ORDER BY meter_seq`,
      )
      .all(...rows.map((row) => row.seq)) as Array<{ event_seq: number; message: string }>;
    for (const { event_seq, message } of errorRows) {
      errors.set(event_seq, [...(errors.get(event_seq) ?? []), message]);
    }
  }
  return rows.map((row) => {
    const ingested: IngestedEvent = {
      event: JSON.parse(row.event_json) as OpenMeterEvent,
      ingestedAt: new Date(row.ingested_at_ms).toISOString(),
      storedAt: new Date(row.stored_at_ms).toISOString(),
    };
    const messages = errors.get(row.seq);
    if (messages) ingested.validationError = messages.join('; ');
    return ingested;
  });
}
