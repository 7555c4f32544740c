/**
 * A bounded cache that keeps recently used entries: two generations of at most `capacity`
 * entries each. Reads and writes go to the young generation; when it is full it becomes the old
 * one and the previous old one is dropped, so an entry used at least once per `capacity`
 * insertions stays, and memory stays bounded (at most 2 x `capacity` entries) however many
 * distinct subjects and group values arrive. Cheaper per hit than an exact LRU (no reordering
 * of a hot entry), which matters on the ingest path.
 */
export class LruMap<Key, Value> {
  #young = new Map<Key, Value>();
  #old = new Map<Key, Value>();
  readonly capacity: number;

  constructor({ capacity }: { capacity: number }) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`LruMap capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Number of entries held (at most 2 x `capacity`). */
  get size(): number {
    return this.#young.size + this.#old.size;
  }

  /** The value of `key`, keeping it in the young generation, or undefined. */
  get(key: Key): Value | undefined {
    const value = this.#young.get(key);
    if (value !== undefined) return value;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.#add(key, old);
    }
    return old;
  }

  /** Stores `value` under `key`. */
  set(key: Key, value: Value): void {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return;
    }
    this.#old.delete(key);
    this.#add(key, value);
  }

  #add(key: Key, value: Value): void {
    if (this.#young.size >= this.capacity) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  /** Drops every entry. */
  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }
}
