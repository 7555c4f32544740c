/**
 * Width and height of an image in pixels.
 */
export interface ImageDimensions {
  width: number;
  height: number;
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
    return bytes;
  } catch {
    return undefined;
  }
}

function readUint16({
  bytes,
  at,
  littleEndian,
}: {
  bytes: Uint8Array;
  at: number;
  littleEndian?: boolean;
}): number {
  const first = bytes[at] ?? 0;
  const second = bytes[at + 1] ?? 0;
  return littleEndian ? first | (second << 8) : (first << 8) | second;
}

function readUint32({ bytes, at }: { bytes: Uint8Array; at: number }): number {
  return readUint16({ bytes, at }) * 65536 + readUint16({ bytes, at: at + 2 });
}

function readJpeg(bytes: Uint8Array): ImageDimensions | undefined {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    // Start-of-frame markers carry the size; C4 (tables), C8 (reserved) and CC (arithmetic) don't.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return {
        height: readUint16({ bytes, at: at + 5 }),
        width: readUint16({ bytes, at: at + 7 }),
      };
    }
    at += 2 + readUint16({ bytes, at: at + 2 });
  }
  return undefined;
}

function readWebp(bytes: Uint8Array): ImageDimensions | undefined {
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === 'VP8X') {
    const width = 1 + ((bytes[24] ?? 0) | ((bytes[25] ?? 0) << 8) | ((bytes[26] ?? 0) << 16));
    const height = 1 + ((bytes[27] ?? 0) | ((bytes[28] ?? 0) << 8) | ((bytes[29] ?? 0) << 16));
    return { width, height };
  }
  if (chunk === 'VP8 ') {
    return {
      width: readUint16({ bytes, at: 26, littleEndian: true }) & 0x3fff,
      height: readUint16({ bytes, at: 28, littleEndian: true }) & 0x3fff,
    };
  }
  if (chunk === 'VP8L') {
    const bits =
      (bytes[21] ?? 0) |
      ((bytes[22] ?? 0) << 8) |
      ((bytes[23] ?? 0) << 16) |
      ((bytes[24] ?? 0) << 24);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  return undefined;
}

/**
 * Reads the pixel size of an image sent inline as a base64 `data:` URL (PNG, JPEG, GIF or WebP),
 * from its header. Returns undefined for remote URLs, whose size the request does not carry.
 */
export function readImageDimensions(url: string): ImageDimensions | undefined {
  const match = /^data:image\/[\w.+-]+;base64,/.exec(url);
  if (match === null) return undefined;
  // Headers sit at the start (a JPEG's frame header after its metadata segments), so the first
  // 1 MiB of base64 is plenty and bounds the work for large inline images.
  const encoded = url.slice(match[0].length, match[0].length + 1_048_576).replace(/\s+/g, '');
  const bytes = decodeBase64(encoded.slice(0, encoded.length - (encoded.length % 4)));
  if (bytes === undefined || bytes.length < 24) return undefined;
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    return { width: readUint32({ bytes, at: 16 }), height: readUint32({ bytes, at: 20 }) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return readJpeg(bytes);
  if (bytes[0] === 0x47 && bytes[1] === 0x49) {
    return {
      width: readUint16({ bytes, at: 6, littleEndian: true }),
      height: readUint16({ bytes, at: 8, littleEndian: true }),
    };
  }
  if (String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF') return readWebp(bytes);
  return undefined;
}
