import { parseRfc3339 } from '../events/parse-rfc3339.js';
import { HttpProblem } from '../http/http-problem.js';
import type { RequestLimits } from '../http/request-limits.js';
import type { CompiledMeter } from '../meters/compile-meter.js';
import type { FilterString, WindowSize } from '../openmeter-types.js';
import type { MeterQuery } from './meter-query.js';
import { isTimeZone } from './time-zone-offset.js';

const WINDOW_SIZES: readonly WindowSize[] = ['MINUTE', 'HOUR', 'DAY', 'MONTH'];
const FILTER_OPERATORS = new Set([
  '$eq',
  '$ne',
  '$in',
  '$nin',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$and',
  '$or',
]);

/**
 * The query fields both the GET query string and the POST body carry, before validation.
 */
export interface RawMeterQuery {
  from?: unknown;
  to?: unknown;
  windowSize?: unknown;
  windowTimeZone?: unknown;
  subject?: unknown;
  groupBy?: unknown;
  filterGroupBy?: unknown;
  advancedMeterGroupByFilters?: unknown;
  filterCustomerId?: unknown;
}

function badRequest(detail: string): HttpProblem {
  return new HttpProblem(400, detail);
}

function parseTime(
  name: string,
  value: unknown,
): { milliseconds: number; text: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const milliseconds = typeof value === 'string' ? parseRfc3339(value) : undefined;
  if (milliseconds === undefined) {
    throw badRequest(`${name} must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z`);
  }
  return { milliseconds, text: value as string };
}

function parseStringList(name: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string'))
    throw badRequest(`${name} must be a list of strings`);
  return list as string[];
}

interface FilterBudget {
  limits: Pick<RequestLimits, 'maxFilterValues' | 'maxFilterDepth'>;
  /** Filter values counted so far in this query. */
  used: number;
}

// Each value becomes one SQL parameter: bounding them keeps a query under SQLite's variable
// limit and its cost predictable.
function spendValues({ budget, count }: { budget: FilterBudget; count: number }): void {
  budget.used += count;
  if (budget.used > budget.limits.maxFilterValues) {
    throw badRequest(
      `The query filters on more than ${budget.limits.maxFilterValues} values (subject, filterGroupBy and advancedMeterGroupByFilters together): split it into several queries.`,
    );
  }
}

function checkFilter({
  key,
  filter,
  budget,
  depth,
}: {
  key: string;
  filter: unknown;
  budget: FilterBudget;
  depth: number;
}): FilterString {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw badRequest(
      `advancedMeterGroupByFilters.${key} must be an object such as {"$eq": "gpt-4o"}`,
    );
  }
  if (depth > budget.limits.maxFilterDepth) {
    throw badRequest(
      `advancedMeterGroupByFilters.${key} nests $and/$or deeper than the limit of ${budget.limits.maxFilterDepth} levels: flatten the filter.`,
    );
  }
  for (const [operator, operand] of Object.entries(filter)) {
    if (!FILTER_OPERATORS.has(operator)) {
      throw badRequest(
        `advancedMeterGroupByFilters.${key}: operator ${operator} is not supported by openmeter-local; use ${[...FILTER_OPERATORS].join(', ')}`,
      );
    }
    if (operator === '$and' || operator === '$or') {
      if (!Array.isArray(operand))
        throw badRequest(`advancedMeterGroupByFilters.${key}.${operator} must be a list`);
      spendValues({ budget, count: operand.length });
      for (const inner of operand) checkFilter({ key, filter: inner, budget, depth: depth + 1 });
    } else if (operator === '$in' || operator === '$nin') {
      const list = parseStringList(`advancedMeterGroupByFilters.${key}.${operator}`, operand);
      spendValues({ budget, count: list?.length ?? 0 });
    } else if (operand !== null && typeof operand !== 'string') {
      throw badRequest(`advancedMeterGroupByFilters.${key}.${operator} must be a string`);
    } else {
      spendValues({ budget, count: 1 });
    }
  }
  return filter as FilterString;
}

/**
 * Validates a meter query against the meter (known group-by keys, window size, IANA time zone,
 * RFC 3339 bounds, at most `limits.maxFilterValues` filter values and `$and`/`$or` nested at
 * most `limits.maxFilterDepth` deep) and normalizes it. A subject filter also groups by subject, as in OpenMeter.
 * Throws a 400 `HttpProblem` naming the parameter to fix.
 */
export function parseMeterQuery({
  raw,
  meter,
  limits,
}: {
  raw: RawMeterQuery;
  meter: CompiledMeter;
  limits: Pick<RequestLimits, 'maxFilterValues' | 'maxFilterDepth'>;
}): MeterQuery {
  const budget: FilterBudget = { limits, used: 0 };
  const from = parseTime('from', raw.from);
  const to = parseTime('to', raw.to);
  if (from && to && from.milliseconds > to.milliseconds)
    throw badRequest('from must not be after to');

  let windowSize: WindowSize | undefined;
  if (raw.windowSize !== undefined && raw.windowSize !== null) {
    if (!WINDOW_SIZES.includes(raw.windowSize as WindowSize)) {
      throw badRequest(`windowSize must be one of ${WINDOW_SIZES.join(', ')}`);
    }
    windowSize = raw.windowSize as WindowSize;
  }
  const windowTimeZone = raw.windowTimeZone ?? 'UTC';
  if (typeof windowTimeZone !== 'string' || !isTimeZone(windowTimeZone)) {
    throw badRequest(`windowTimeZone must be an IANA time zone name such as Europe/Berlin or UTC`);
  }
  if (parseStringList('filterCustomerId', raw.filterCustomerId)?.length) {
    throw badRequest(
      'filterCustomerId is not supported by openmeter-local (it has no customers): filter by subject',
    );
  }

  const subjects = parseStringList('subject', raw.subject);
  spendValues({ budget, count: subjects?.length ?? 0 });
  const requested = parseStringList('groupBy', raw.groupBy) ?? [];
  const groupBy: string[] = [];
  let groupBySubject = subjects !== undefined;
  for (const key of requested) {
    if (key === 'subject') groupBySubject = true;
    else if (!meter.groupByKeys.includes(key)) {
      throw badRequest(
        `groupBy "${key}" is not a group-by key of meter ${meter.meter.slug}; use subject${meter.groupByKeys.map((known) => `, ${known}`).join('')}`,
      );
    } else if (!groupBy.includes(key)) groupBy.push(key);
  }

  const filters: MeterQuery['filters'] = [];
  const checkKey = (name: string, key: string) => {
    if (!meter.groupByKeys.includes(key)) {
      throw badRequest(`${name} key "${key}" is not a group-by key of meter ${meter.meter.slug}`);
    }
  };
  if (raw.filterGroupBy !== undefined && raw.filterGroupBy !== null) {
    if (typeof raw.filterGroupBy !== 'object' || Array.isArray(raw.filterGroupBy)) {
      throw badRequest('filterGroupBy must be an object of group-by key to value(s)');
    }
    for (const [key, value] of Object.entries(raw.filterGroupBy)) {
      checkKey('filterGroupBy', key);
      const values = parseStringList(`filterGroupBy.${key}`, value) ?? [];
      spendValues({ budget, count: values.length });
      filters.push({ key, filter: { $in: values } });
    }
  }
  if (raw.advancedMeterGroupByFilters !== undefined && raw.advancedMeterGroupByFilters !== null) {
    const advanced = raw.advancedMeterGroupByFilters;
    if (typeof advanced !== 'object' || Array.isArray(advanced)) {
      throw badRequest('advancedMeterGroupByFilters must be an object of group-by key to filter');
    }
    for (const [key, filter] of Object.entries(advanced)) {
      checkKey('advancedMeterGroupByFilters', key);
      filters.push({ key, filter: checkFilter({ key, filter, budget, depth: 1 }) });
    }
  }

  return {
    from: from?.milliseconds,
    to: to?.milliseconds,
    fromText: from?.text,
    toText: to?.text,
    windowSize,
    windowTimeZone,
    subjects,
    groupBySubject,
    groupBy,
    filters,
  };
}

/**
 * Reads a meter query from a GET query string as the spec encodes it: `subject` and `groupBy`
 * repeated (form, explode), `filterGroupBy[key]=value` (deepObject), and
 * `advancedMeterGroupByFilters` as JSON.
 */
export function convertSearchParamsToRawQuery(searchParams: URLSearchParams): RawMeterQuery {
  const single = (name: string) => searchParams.get(name) ?? undefined;
  const many = (name: string) => (searchParams.has(name) ? searchParams.getAll(name) : undefined);
  const filterGroupBy: Record<string, string[]> = {};
  for (const [name, value] of searchParams) {
    const match = /^filterGroupBy\[([^\]]+)\]$/.exec(name);
    if (match)
      filterGroupBy[match[1] as string] = [...(filterGroupBy[match[1] as string] ?? []), value];
  }
  for (const name of searchParams.keys()) {
    // Silently dropping a filter would answer with too much usage: refuse the deepObject form.
    if (name === 'filterGroupBy') {
      throw new HttpProblem(400, 'filterGroupBy is a deepObject: send filterGroupBy[model]=gpt-4o');
    }
    if (name.startsWith('advancedMeterGroupByFilters[')) {
      throw new HttpProblem(
        400,
        'advancedMeterGroupByFilters must be one JSON-encoded parameter, e.g. advancedMeterGroupByFilters={"model":{"$eq":"gpt-4o"}}',
      );
    }
  }
  let advancedMeterGroupByFilters: unknown;
  const advancedText = single('advancedMeterGroupByFilters');
  if (advancedText !== undefined) {
    try {
      advancedMeterGroupByFilters = JSON.parse(advancedText);
    } catch (error) {
      throw new HttpProblem(
        400,
        'advancedMeterGroupByFilters must be JSON, e.g. {"model":{"$eq":"gpt-4o"}}',
        {
          cause: error,
        },
      );
    }
  }
  return {
    from: single('from'),
    to: single('to'),
    windowSize: single('windowSize'),
    windowTimeZone: single('windowTimeZone'),
    subject: many('subject'),
    groupBy: many('groupBy'),
    filterGroupBy: Object.keys(filterGroupBy).length ? filterGroupBy : undefined,
    advancedMeterGroupByFilters,
    filterCustomerId: many('filterCustomerId'),
  };
}
