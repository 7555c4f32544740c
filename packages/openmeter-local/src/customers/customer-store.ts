import type { Database } from 'better-sqlite3';
import { createUlid } from '../storage/create-ulid.js';
import type { Customer, CustomerInput } from './customer-types.js';

/** A customer key or subject key is already another active customer's. */
export class CustomerConflictError extends Error {
  override name = 'CustomerConflictError' as const;
}

interface CustomerRow {
  id: string;
  key: string;
  json: string;
  deleted_at: string | null;
}

/**
 * OpenMeter's v3 customers on the embedded database, with their usage attribution: an event
 * belongs to the customer whose `usage_attribution.subject_keys` hold its subject, else to the
 * customer whose `key` is its subject (the spec: "one customer can have zero or more subjects,
 * but one subject can only belong to one customer"; an entitlement query resolves "the customer
 * `key` or one of its usage-attribution subject `key`s").
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export class CustomerStore {
  readonly #database: Database;
  readonly #now: () => Date;

  constructor({ database, now }: { database: Database; now: () => Date }) {
    this.#database = database;
    this.#now = now;
  }

  /** Active customers ordered by name, then id. */
  list(): Customer[] {
    const rows = this.#database
      .prepare('SELECT * FROM customers WHERE deleted_at IS NULL')
      .all() as CustomerRow[];
    return rows
      .map(convertRow)
      .sort((left, right) =>
        left.name === right.name ? compare(left.id, right.id) : compare(left.name, right.name),
      );
  }

  /** The active customer with this id, or undefined. */
  get(id: string): Customer | undefined {
    const row = this.#database
      .prepare('SELECT * FROM customers WHERE id = ? AND deleted_at IS NULL')
      .get(id) as CustomerRow | undefined;
    return row ? convertRow(row) : undefined;
  }

  /** Creates a customer; throws `CustomerConflictError` when its key or a subject key is taken. */
  create(input: CustomerInput & { key: string }): Customer {
    const moment = this.#now();
    const at = moment.toISOString();
    const customer: Customer = {
      ...input,
      id: createUlid({ time: moment }),
      created_at: at,
      updated_at: at,
    };
    this.#database.transaction(() => {
      const taken = this.#database
        .prepare('SELECT 1 FROM customers WHERE key = ? AND deleted_at IS NULL')
        .get(customer.key);
      if (taken) throw new CustomerConflictError(`A customer with key ${customer.key} exists.`);
      this.#database
        .prepare('INSERT INTO customers (id, key, json) VALUES (?, ?, ?)')
        .run(customer.id, customer.key, JSON.stringify(customer));
      this.#attribute(customer);
    })();
    return customer;
  }

  /** Replaces a customer's fields (its id, key and creation time stay); undefined if unknown. */
  upsert(id: string, input: CustomerInput): Customer | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const customer: Customer = {
      ...input,
      id,
      key: current.key,
      created_at: current.created_at,
      updated_at: this.#now().toISOString(),
    };
    this.#database.transaction(() => {
      this.#database.prepare('DELETE FROM customer_subjects WHERE customer_id = ?').run(id);
      this.#database
        .prepare('UPDATE customers SET json = ? WHERE id = ?')
        .run(JSON.stringify(customer), id);
      this.#attribute(customer);
    })();
    return customer;
  }

  /** Deletes a customer (kept, marked deleted) and frees its subjects; false if unknown. */
  delete(id: string): boolean {
    const current = this.get(id);
    if (!current) return false;
    const at = this.#now().toISOString();
    this.#database.transaction(() => {
      this.#database.prepare('DELETE FROM customer_subjects WHERE customer_id = ?').run(id);
      this.#database
        .prepare('UPDATE customers SET deleted_at = ?, json = ? WHERE id = ?')
        .run(at, JSON.stringify({ ...current, updated_at: at, deleted_at: at }), id);
    })();
    return true;
  }

  /** The customer an event's subject is attributed to, or undefined. */
  resolveSubject(subject: string): Customer | undefined {
    const byAttribution = this.#database
      .prepare('SELECT customer_id FROM customer_subjects WHERE subject_key = ?')
      .pluck()
      .get(subject) as string | undefined;
    if (byAttribution) return this.get(byAttribution);
    const row = this.#database
      .prepare('SELECT * FROM customers WHERE key = ? AND deleted_at IS NULL')
      .get(subject) as CustomerRow | undefined;
    return row ? convertRow(row) : undefined;
  }

  /** The subjects whose events are a customer's: its subject keys, and its key. */
  subjectsOf(customer: Customer): string[] {
    return [...new Set([...(customer.usage_attribution?.subject_keys ?? []), customer.key])];
  }

  #attribute(customer: Customer): void {
    const insert = this.#database.prepare(
      'INSERT INTO customer_subjects (subject_key, customer_id) VALUES (?, ?)',
    );
    const owner = this.#database
      .prepare('SELECT customer_id FROM customer_subjects WHERE subject_key = ?')
      .pluck();
    for (const subject of new Set(customer.usage_attribution?.subject_keys ?? [])) {
      const taken = owner.get(subject) as string | undefined;
      if (taken !== undefined && taken !== customer.id) {
        throw new CustomerConflictError(
          `Subject ${subject} is already attributed to customer ${taken}: one subject belongs to one customer.`,
        );
      }
      insert.run(subject, customer.id);
    }
  }
}

function convertRow(row: CustomerRow): Customer {
  return JSON.parse(row.json) as Customer;
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
