import * as zlib from 'node:zlib';

// Native since Node 20.15 / 22.2; the table below keeps Node 20.12 working.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
const table = new Uint32Array(256);
for (let index = 0; index < 256; index++) {
  let value = index;
  for (let bit = 0; bit < 8; bit++) {
    value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  }
  table[index] = value >>> 0;
}

/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial) of `bytes` between `start` and `end`, used to
 * detect torn or corrupt journal records. Uses `zlib.crc32` when the runtime has it (Node 20.15+).
 */
export function crc32({
  bytes,
  start = 0,
  end = bytes.length,
}: {
  bytes: Uint8Array;
  start?: number;
  end?: number;
}): number {
  if (nativeCrc32) return nativeCrc32(bytes.subarray(start, end));
  return crc32Portable({ bytes, start, end });
}

/**
 * The table-driven CRC-32 that {@link crc32} falls back to on runtimes without `zlib.crc32`.
 */
export function crc32Portable({
  bytes,
  start,
  end,
}: {
  bytes: Uint8Array;
  start: number;
  end: number;
}): number {
  let crc = 0xffffffff;
  for (let index = start; index < end; index++) {
    crc = (table[(crc ^ (bytes[index] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
