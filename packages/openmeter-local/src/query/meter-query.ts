import type { FilterString, WindowSize } from '../openmeter-types.js';

/**
 * A meter query after parsing and validation, the same whether it came by GET or POST.
 */
export interface MeterQuery {
  /** Inclusive start, milliseconds since the epoch. */
  from: number | undefined;
  /** Exclusive end, milliseconds since the epoch. */
  to: number | undefined;
  fromText: string | undefined;
  toText: string | undefined;
  windowSize: WindowSize | undefined;
  windowTimeZone: string;
  subjects: string[] | undefined;
  groupBySubject: boolean;
  /** Meter group-by keys to group by, in request order. */
  groupBy: string[];
  /** Filters on meter group-by keys. */
  filters: Array<{ key: string; filter: FilterString }>;
}
