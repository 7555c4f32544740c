import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';
import { migrateDatabase } from './migrate-database.js';
import { TextDictionary } from './text-dictionary.js';

describe('LruMap', () => {
  it('drops the least recently used entry beyond its capacity', () => {
    const map = new LruMap<string, number>({ capacity: 2 });
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
    expect(map.size).toBe(2);
    expect(() => new LruMap({ capacity: 0 })).toThrow(/positive integer/);
  });
});

describe('TextDictionary', () => {
  it('keeps ids stable through a cache much smaller than the texts', () => {
    const database = new BetterSqlite3(':memory:');
    migrateDatabase(database);
    const dictionary = new TextDictionary({ database, cacheSize: 3 });
    const texts = Array.from({ length: 50 }, (_, index) => `subject-${index}`);
    const ids = texts.map((text) => dictionary.intern(text));
    expect(new Set(ids).size).toBe(50);
    expect(texts.map((text) => dictionary.intern(text))).toEqual(ids);
    expect(ids.map((id) => dictionary.getText(id))).toEqual(texts);
    database.close();
  });
});
