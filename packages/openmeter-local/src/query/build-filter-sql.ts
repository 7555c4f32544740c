import type { FilterString } from '../openmeter-types.js';

/**
 * Turns an advanced group-by filter (`$eq`, `$ne`, `$in`, `$nin`, `$gt`, `$gte`, `$lt`, `$lte`,
 * `$and`, `$or`) into SQL over a dictionary-id column, pushing its parameters. Each condition
 * selects the ids whose text matches; a negative one also keeps rows where the value is missing.
 */
export function buildFilterSql({
  column,
  filter,
  parameters,
}: {
  column: string;
  filter: FilterString;
  parameters: unknown[];
}): string {
  const clauses: string[] = [];
  const ids = (condition: string, values: unknown[]) => {
    parameters.push(...values);
    return `${column} IN (SELECT id FROM dictionary WHERE ${condition})`;
  };
  const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');
  if (filter.$eq !== undefined && filter.$eq !== null) clauses.push(ids('text = ?', [filter.$eq]));
  if (filter.$ne !== undefined && filter.$ne !== null) {
    clauses.push(`${column} IS NULL OR NOT ${ids('text = ?', [filter.$ne])}`);
  }
  if (filter.$in) clauses.push(ids(`text IN (${placeholders(filter.$in)})`, filter.$in));
  if (filter.$nin?.length) {
    clauses.push(
      `${column} IS NULL OR NOT ${ids(`text IN (${placeholders(filter.$nin)})`, filter.$nin)}`,
    );
  }
  for (const [operator, sql] of [
    ['$gt', '>'],
    ['$gte', '>='],
    ['$lt', '<'],
    ['$lte', '<='],
  ] as const) {
    const value = filter[operator];
    if (value !== undefined && value !== null) clauses.push(ids(`text ${sql} ?`, [value]));
  }
  if (filter.$and?.length) {
    clauses.push(
      filter.$and
        .map((inner) => `(${buildFilterSql({ column, filter: inner, parameters })})`)
        .join(' AND '),
    );
  }
  if (filter.$or?.length) {
    clauses.push(
      filter.$or
        .map((inner) => `(${buildFilterSql({ column, filter: inner, parameters })})`)
        .join(' OR '),
    );
  }
  return clauses.length ? clauses.map((clause) => `(${clause})`).join(' AND ') : '1';
}
