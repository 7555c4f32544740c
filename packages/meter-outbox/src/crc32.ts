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
 * detect torn or corrupt journal records. Hand-rolled because `zlib.crc32` needs Node 20.15+.
 * @see https://www.rfc-editor.org/rfc/rfc1952#section-8
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
  let crc = 0xffffffff;
  for (let index = start; index < end; index++) {
    crc = (table[(crc ^ (bytes[index] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
