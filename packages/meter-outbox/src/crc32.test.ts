import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('matches the standard check value and honours start/end', () => {
    expect(crc32({ bytes: Buffer.from('123456789') })).toBe(0xcbf43926);
    expect(crc32({ bytes: Buffer.from('xx123456789yy'), start: 2, end: 11 })).toBe(0xcbf43926);
    expect(crc32({ bytes: Buffer.alloc(0) })).toBe(0);
  });
});
