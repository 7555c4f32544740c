import type {
  MeterQueryResult as MeterQueryResultV3,
  MeterQueryRow as MeterQueryRowV3,
} from '@llm-meter/openmeter-client/v3';
import type { CompiledMeter } from '../../meters/compile-meter.js';
import { parseMeterQuery, type RawMeterQuery } from '../../query/parse-meter-query.js';
import { HttpProblem } from '../http-problem.js';
import type { RouteContext } from '../reply.js';

const GRANULARITIES = { PT1M: 'MINUTE', PT1H: 'HOUR', P1D: 'DAY', P1M: 'MONTH' } as const;
const OPERATORS = {
  eq: '$eq',
  neq: '$ne',
  in: '$in',
  nin: '$nin',
  and: '$and',
  or: '$or',
} as const;
const FIELDS = new Set([
  'from',
  'to',
  'granularity',
  'time_zone',
  'group_by_dimensions',
  'filters',
]);

/**
 * Runs a v3 meter query (`MeterQueryRequest`) with the v1 query engine: `granularity` becomes
 * the window size, `group_by_dimensions` the group-by keys (`subject` and `customer_id` are the
 * reserved ones), `filters.dimensions` the advanced filters (`subject` and `customer_id` take
 * `eq` and `in`; a customer stands for its subjects), and the rows are answered in v3's shape,
 * values as decimal strings. Summing over subjects (a subject or customer filter without
 * grouping by subject, or grouping by customer) is done for sum and count meters, whose values
 * add up; other aggregations must group by subject then.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export async function runV3MeterQuery({
  context,
  meter,
  body,
}: {
  context: RouteContext;
  meter: CompiledMeter;
  body: Record<string, unknown>;
}): Promise<{ result: MeterQueryResultV3; groupBy: string[] }> {
  const { store, limits, queries } = context;
  for (const field of Object.keys(body)) {
    if (!FIELDS.has(field)) {
      throw new HttpProblem(
        400,
        `${field} is not a field of MeterQueryRequest: use ${[...FIELDS].join(', ')}`,
      );
    }
  }
  const granularity = body.granularity;
  if (
    granularity !== undefined &&
    !(typeof granularity === 'string' && granularity in GRANULARITIES)
  ) {
    throw new HttpProblem(
      400,
      `granularity must be one of ${Object.keys(GRANULARITIES).join(', ')}`,
    );
  }
  const requested = Array.isArray(body.group_by_dimensions)
    ? (body.group_by_dimensions as unknown[])
    : [];
  if (
    body.group_by_dimensions !== undefined &&
    !requested.every((key) => typeof key === 'string')
  ) {
    throw new HttpProblem(400, 'group_by_dimensions must be a list of strings');
  }
  const groupBy = [...new Set(requested as string[])];
  const groupByCustomer = groupBy.includes('customer_id');
  const groupBySubject = groupBy.includes('subject');

  const dimensions = readDimensionFilters(body.filters);
  let subjects: string[] | undefined;
  const subjectFilter = dimensions.subject;
  if (subjectFilter !== undefined)
    subjects = readEquality({ key: 'subject', filter: subjectFilter });
  const customerFilter = dimensions.customer_id;
  if (customerFilter !== undefined) {
    const ids = readEquality({ key: 'customer_id', filter: customerFilter });
    const ofCustomers = ids.flatMap((id) => {
      const customer = store.customers.get(id);
      return customer ? store.customers.subjectsOf(customer) : [];
    });
    subjects = subjects ? subjects.filter((subject) => ofCustomers.includes(subject)) : ofCustomers;
  }
  const advanced: Record<string, unknown> = {};
  for (const [key, filter] of Object.entries(dimensions)) {
    if (key === 'subject' || key === 'customer_id') continue;
    advanced[key] = convertFilter({ key, filter });
  }
  const summedOverSubjects = (subjects !== undefined || groupByCustomer) && !groupBySubject;
  if (
    (summedOverSubjects || groupByCustomer) &&
    meter.aggregation !== 'SUM' &&
    meter.aggregation !== 'COUNT'
  ) {
    throw new HttpProblem(
      400,
      `openmeter-local adds up values over subjects for sum and count meters only; meter ${meter.meter.slug} is ${meter.aggregation.toLowerCase()}: group by subject.`,
    );
  }
  const raw: RawMeterQuery = {
    from: body.from,
    to: body.to,
    windowSize:
      granularity === undefined
        ? undefined
        : GRANULARITIES[granularity as keyof typeof GRANULARITIES],
    windowTimeZone: body.time_zone,
    subject: subjects,
    groupBy: [
      ...(groupBySubject || groupByCustomer ? ['subject'] : []),
      ...groupBy.filter((key) => key !== 'subject' && key !== 'customer_id'),
    ],
    advancedMeterGroupByFilters: Object.keys(advanced).length > 0 ? advanced : undefined,
  };
  if (subjects !== undefined && subjects.length === 0) {
    return {
      result: {
        from: body.from as string | undefined,
        to: body.to as string | undefined,
        data: [],
      },
      groupBy,
    };
  }
  const query = parseMeterQuery({ raw, meter, limits });
  const result = await queries.run({ meter, query });

  const rows = new Map<string, MeterQueryRowV3 & { sum: number }>();
  for (const row of result.data) {
    const values: Record<string, string> = {};
    for (const key of groupBy) {
      if (key === 'subject') {
        if (row.subject !== null) values.subject = row.subject;
      } else if (key === 'customer_id') {
        const customer =
          row.subject === null ? undefined : store.customers.resolveSubject(row.subject);
        if (customer) values.customer_id = customer.id;
      } else {
        const value = row.groupBy[key];
        if (value !== null && value !== undefined) values[key] = value;
      }
    }
    const identity = JSON.stringify([row.windowStart, values]);
    const current = rows.get(identity);
    if (current) current.sum += row.value;
    else
      rows.set(identity, {
        from: row.windowStart,
        to: row.windowEnd,
        dimensions: values,
        value: '',
        sum: row.value,
      });
  }
  return {
    result: {
      ...(result.from ? { from: String(result.from) } : {}),
      ...(result.to ? { to: String(result.to) } : {}),
      data: [...rows.values()].map(({ sum, ...row }) => ({ ...row, value: formatNumeric(sum) })),
    },
    groupBy,
  };
}

function readDimensionFilters(filters: unknown): Record<string, unknown> {
  if (filters === undefined || filters === null) return {};
  if (typeof filters !== 'object' || Array.isArray(filters)) {
    throw new HttpProblem(
      400,
      'filters must be an object such as {"dimensions": {"model": {"eq": "gpt-4o"}}}',
    );
  }
  const { dimensions, ...rest } = filters as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new HttpProblem(400, 'filters takes only dimensions');
  if (dimensions === undefined) return {};
  if (typeof dimensions !== 'object' || dimensions === null || Array.isArray(dimensions)) {
    throw new HttpProblem(400, 'filters.dimensions must be an object of dimension to filter');
  }
  return dimensions as Record<string, unknown>;
}

function readEquality({ key, filter }: { key: string; filter: unknown }): string[] {
  const entries = typeof filter === 'object' && filter !== null ? Object.entries(filter) : [];
  const [operator, operand] = entries[0] ?? [];
  if (entries.length === 1 && operator === 'eq' && typeof operand === 'string') return [operand];
  if (
    entries.length === 1 &&
    operator === 'in' &&
    Array.isArray(operand) &&
    operand.every((item) => typeof item === 'string')
  ) {
    return operand as string[];
  }
  throw new HttpProblem(
    400,
    `filters.dimensions.${key} takes eq or in only (the spec: "For subject and customer_id only equals comparisons are supported")`,
  );
}

function convertFilter({ key, filter }: { key: string; filter: unknown }): unknown {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new HttpProblem(
      400,
      `filters.dimensions.${key} must be an object such as {"eq": "gpt-4o"}`,
    );
  }
  const converted: Record<string, unknown> = {};
  for (const [operator, operand] of Object.entries(filter)) {
    const target = OPERATORS[operator as keyof typeof OPERATORS];
    if (!target) {
      throw new HttpProblem(
        400,
        `filters.dimensions.${key}.${operator} is not supported by openmeter-local: use ${Object.keys(OPERATORS).join(', ')}`,
      );
    }
    converted[target] =
      operator === 'and' || operator === 'or'
        ? (Array.isArray(operand) ? operand : [operand]).map((inner) =>
            convertFilter({ key, filter: inner }),
          )
        : operand;
  }
  return converted;
}

/** A number as v3's `Numeric`: a plain decimal string, never in exponent notation. */
function formatNumeric(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}
