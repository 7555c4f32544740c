import type { EncodingName } from './encoding-name.js';
import { rankFileLayout } from './rank-file-layout.js';

/**
 * The rank data of one encoding as the tokenizer uses it, viewed in place in its rank file: the
 * pre-tokenizer pattern, the special tokens, and the ranks' bytes with their hash table.
 */
export interface RankFile {
  pat_str: string;
  special_tokens: Record<string, number>;
  /** Bytes of every rank in rank order; rank `r` is `bytes[offsets[r]]` up to `bytes[offsets[r + 1]]`. */
  bytes: Uint8Array;
  offsets: Int32Array;
  /** Open-addressing hash table (rank-hash.ts): the rank in each slot, -1 when empty. */
  slots: Int32Array;
}

// Typed arrays read in the machine's byte order, and the files are little-endian.
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Views the sections of a rank file (see {@link rankFileLayout}) without copying them; throws
 * when the file is not one, or was generated for another version of the package.
 */
export function parseRankFile({
  file,
  encoding,
}: {
  file: Uint8Array;
  encoding: EncodingName;
}): RankFile {
  const rebuild = `rebuild @llm-meter/meter-core (\`pnpm build\`) or reinstall it`;
  if (!littleEndian) {
    throw new Error(
      'The tokenizer needs a little-endian machine: its rank files are little-endian',
    );
  }
  // Views of Int32 need 4-byte alignment; a file read whole starts aligned, a slice may not.
  const aligned = file.byteOffset % 4 === 0 ? file : file.slice();
  const headerLength = rankFileLayout.headerWords * 4;
  if (aligned.length < headerLength) {
    throw new Error(`The ${encoding} rank file is truncated (${aligned.length} bytes): ${rebuild}`);
  }
  const [magic, version, jsonLength, rankCount, slotCount, byteCount] = new Uint32Array(
    aligned.buffer,
    aligned.byteOffset,
    rankFileLayout.headerWords,
  ) as unknown as number[];
  if (magic !== rankFileLayout.magic || version !== rankFileLayout.version) {
    throw new Error(
      `The ${encoding} rank file is not one this version reads (format ${version}, want ${rankFileLayout.version}): ${rebuild}`,
    );
  }
  const offsetsStart = headerLength + (jsonLength as number);
  const slotsStart = offsetsStart + ((rankCount as number) + 1) * 4;
  const bytesStart = slotsStart + (slotCount as number) * 4;
  if (aligned.length !== bytesStart + (byteCount as number)) {
    throw new Error(
      `The ${encoding} rank file has ${aligned.length} bytes, its header says ${bytesStart + (byteCount as number)}: ${rebuild}`,
    );
  }
  const { pat_str, special_tokens } = JSON.parse(
    new TextDecoder().decode(aligned.subarray(headerLength, offsetsStart)),
  ) as Pick<RankFile, 'pat_str' | 'special_tokens'>;
  const at = aligned.byteOffset;
  return {
    pat_str,
    special_tokens,
    offsets: new Int32Array(aligned.buffer, at + offsetsStart, (rankCount as number) + 1),
    slots: new Int32Array(aligned.buffer, at + slotsStart, slotCount as number),
    bytes: aligned.subarray(bytesStart, bytesStart + (byteCount as number)),
  };
}
