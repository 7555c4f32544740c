import type { Database, Statement } from 'better-sqlite3';

/**
 * Maps texts (subjects, group-by values, UNIQUE_COUNT values) to small integer ids stored in
 * the `dictionary` table, so meter tables hold and sort integers instead of strings. Ids are
 * cached in memory; call `forget` after a rolled-back transaction, whose new ids are gone.
 * @see https://www.sqlite.org/lang_createtable.html#rowid
 */
export class TextDictionary {
  readonly #insert: Statement;
  readonly #selectId: Statement;
  readonly #selectText: Statement;
  readonly #ids = new Map<string, number>();
  readonly #texts = new Map<number, string>();

  constructor(database: Database) {
    this.#insert = database.prepare('INSERT OR IGNORE INTO dictionary (text) VALUES (?)');
    this.#selectId = database.prepare('SELECT id FROM dictionary WHERE text = ?').pluck();
    this.#selectText = database.prepare('SELECT text FROM dictionary WHERE id = ?').pluck();
  }

  /** The id of a text, added to the dictionary when new. */
  intern(text: string): number {
    let id = this.#ids.get(text);
    if (id === undefined) {
      this.#insert.run(text);
      id = this.#selectId.get(text) as number;
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
