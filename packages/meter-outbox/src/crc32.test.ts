import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from './crc32.js';

describe('crc32', () => {
  it('matches the standard check value and honours start/end', () => {
    expect(crc32({ bytes: Buffer.from('123456789') })).toBe(0xcbf43926);
    expect(crc32({ bytes: Buffer.from('xx123456789yy'), start: 2, end: 11 })).toBe(0xcbf43926);
    expect(crc32({ bytes: Buffer.alloc(0) })).toBe(0);
  });

  it('has a portable fallback that agrees with the native one', () => {
    const bytes = Buffer.from('{"k":"event","s":1,"e":{"subject":"ünïcødé 🚀"}}');
    expect(crc32Portable({ bytes, start: 0, end: bytes.length })).toBe(crc32({ bytes }));
    expect(crc32Portable({ bytes: Buffer.from('123456789'), start: 0, end: 9 })).toBe(0xcbf43926);
  });
});
