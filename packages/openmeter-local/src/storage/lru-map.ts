/**
 * A `Map` that keeps at most `capacity` entries, dropping the least recently used one (read or
 * written) when a new key would exceed it. Used for the in-memory caches in front of SQLite, so
 * their memory stays bounded however many distinct subjects and group values arrive.
 * @see https://en.wikipedia.org/wiki/Cache_replacement_policies#LRU
 */
export class LruMap<Key, Value> {
  readonly #entries = new Map<Key, Value>();
  readonly capacity: number;

  constructor({ capacity }: { capacity: number }) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`LruMap capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key`, marking it most recently used, or undefined. */
  get(key: Key): Value | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      // A Map iterates in insertion order: re-inserting moves the key to the young end.
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` under `key`, dropping the least recently used entry when full. */
  set(key: Key, value: Value): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
