import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';
import { migrateDatabase } from './migrate-database.js';
import { TextDictionary } from './text-dictionary.js';

describe('LruMap', () => {
  it('keeps recently used entries and at most twice its capacity', () => {
    const map = new LruMap<string, number>({ capacity: 2 });
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3); // a and b become the old generation
    expect(map.get('a')).toBe(1); // a is used again: young again
    map.set('d', 4); // young (c, a) becomes old, b is dropped
    expect(map.get('b')).toBeUndefined();
    expect([map.get('a'), map.get('c'), map.get('d')]).toEqual([1, 3, 4]);
    for (let index = 0; index < 1_000; index++) map.set(`k${index}`, index);
    expect(map.size).toBeLessThanOrEqual(4);
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
