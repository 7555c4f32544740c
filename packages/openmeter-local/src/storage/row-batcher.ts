import type { Database, Statement } from 'better-sqlite3';

/**
 * Collects rows for one table and writes them with multi-row `INSERT ... VALUES (...), (...)`
 * statements, which cost SQLite and the native binding far less per row than one statement
 * per row. Call `flush` before the transaction ends.
 */
export class RowBatcher {
  readonly #database: Database;
  readonly #prefix: string;
  readonly #suffix: string;
  readonly #columnCount: number;
  readonly #rowsPerStatement: number;
  readonly #statements = new Map<number, Statement>();
  #values: unknown[] = [];
  #rowCount = 0;

  constructor({
    database,
    prefix,
    suffix = '',
    columnCount,
    rowsPerStatement = 100,
  }: {
    database: Database;
    /** Everything before `VALUES`, e.g. `INSERT OR IGNORE INTO t (a, b)`. */
    prefix: string;
    /** Everything after the values, e.g. `RETURNING seq`. */
    suffix?: string;
    columnCount: number;
    rowsPerStatement?: number;
  }) {
    this.#database = database;
    this.#prefix = prefix;
    this.#suffix = suffix;
    this.#columnCount = columnCount;
    this.#rowsPerStatement = rowsPerStatement;
  }

  /** Number of rows waiting for `flush`. */
  get pending(): number {
    return this.#rowCount;
  }

  /** Queues one row; returns true when a full statement's worth is waiting. */
  add(values: readonly unknown[]): boolean {
    for (const value of values) this.#values.push(value);
    this.#rowCount++;
    return this.#rowCount >= this.#rowsPerStatement;
  }

  #statementFor(rowCount: number): Statement {
    let statement = this.#statements.get(rowCount);
    if (!statement) {
      const row = `(${Array.from({ length: this.#columnCount }, () => '?').join(', ')})`;
      const rows = Array.from({ length: rowCount }, () => row).join(', ');
      statement = this.#database.prepare(`${this.#prefix} VALUES ${rows} ${this.#suffix}`);
      this.#statements.set(rowCount, statement);
    }
    return statement;
  }

  /** Writes the queued rows; returns the `RETURNING` rows when the statement has a suffix. */
  flush(): unknown[] {
    if (this.#rowCount === 0) return [];
    const statement = this.#statementFor(this.#rowCount);
    const values = this.#values;
    this.#values = [];
    this.#rowCount = 0;
    if (statement.reader) return statement.raw().all(...values);
    statement.run(...values);
    return [];
  }

  /** Drops queued rows (after a failed transaction). */
  clear(): void {
    this.#values = [];
    this.#rowCount = 0;
  }
}
