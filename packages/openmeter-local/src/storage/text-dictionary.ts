import type { Database, Statement } from 'better-sqlite3';
import { LruMap } from './lru-map.js';

/**
 * Maps texts (subjects, group-by values, UNIQUE_COUNT values) to small integer ids stored in
 * the `dictionary` table, so meter tables hold and sort integers instead of strings. The most
 * recently used ids are cached in memory (at most `cacheSize` each way, so memory stays bounded);
 * call `forget` after a rolled-back transaction, whose new ids are gone.
 */
export class TextDictionary {
  readonly #insert: Statement;
  readonly #selectId: Statement;
  readonly #selectText: Statement;
  readonly #ids: LruMap<string, number>;
  readonly #texts: LruMap<number, string>;

  constructor({ database, cacheSize = 10_000 }: { database: Database; cacheSize?: number }) {
    this.#ids = new LruMap({ capacity: cacheSize });
    this.#texts = new LruMap({ capacity: cacheSize });
    this.#insert = database.prepare('INSERT OR IGNORE INTO dictionary (text) VALUES (?)');
    this.#selectId = database.prepare('SELECT id FROM dictionary WHERE text = ?').pluck();
    this.#selectText = database.prepare('SELECT text FROM dictionary WHERE id = ?').pluck();
  }

  /** The id of a text, added to the dictionary when new. */
  intern(text: string): number {
    let id = this.#ids.get(text);
    if (id === undefined) {
      const inserted = this.#insert.run(text);
      id =
        inserted.changes === 1
          ? Number(inserted.lastInsertRowid)
          : (this.#selectId.get(text) as number);
      this.#ids.set(text, id);
      this.#texts.set(id, text);
    }
    return id;
  }

  /** The text behind an id. */
  getText(id: number): string {
    let text = this.#texts.get(id);
    if (text === undefined) {
      text = this.#selectText.get(id) as string;
      this.#texts.set(id, text);
    }
    return text;
  }

  /** Drops the in-memory cache. */
  forget(): void {
    this.#ids.clear();
    this.#texts.clear();
  }
}
