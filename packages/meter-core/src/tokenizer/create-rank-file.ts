import type { EncodingData } from './encoding-data.js';
import { parseTiktokenRanks } from './parse-tiktoken-ranks.js';
import { rankFileLayout } from './rank-file-layout.js';
import { rankHashFinish, rankHashSeed, rankHashStep } from './rank-hash.js';

/**
 * Builds the rank file of one encoding from js-tiktoken's rank data (see {@link rankFileLayout}):
 * the bytes of every rank in rank order and an open-addressing hash table from bytes to rank, at
 * most half full, so that the tokenizer does no per-rank work when it loads them. Runs when the
 * package is built (scripts/generate-rank-files.ts).
 * @see https://github.com/openai/tiktoken
 */
export function createRankFile({
  data,
  source,
}: {
  data: EncodingData;
  /** Where the ranks came from, kept in the file's JSON, e.g. `js-tiktoken 1.0.21`. */
  source: string;
}): Uint8Array {
  const { bytes, offsets } = parseTiktokenRanks(data);
  const rankCount = offsets.length - 1;
  const slotCount = 2 ** Math.ceil(Math.log2(Math.max(rankCount, 1) * 2));
  const slotMask = slotCount - 1;
  const slots = new Int32Array(slotCount).fill(-1);
  for (let rank = 0; rank < rankCount; rank++) {
    const start = offsets[rank] as number;
    const end = offsets[rank + 1] as number;
    if (end === start) continue; // a gap in the ranks
    let hash = rankHashSeed;
    for (let index = start; index < end; index++) hash = rankHashStep(hash, bytes[index] as number);
    let slot = rankHashFinish(hash) & slotMask;
    while ((slots[slot] as number) >= 0) slot = (slot + 1) & slotMask;
    slots[slot] = rank;
  }

  const json = new TextEncoder().encode(
    JSON.stringify({ pat_str: data.pat_str, special_tokens: data.special_tokens, source }),
  );
  const jsonLength = Math.ceil(json.length / 4) * 4;
  const headerLength = rankFileLayout.headerWords * 4;
  const offsetsStart = headerLength + jsonLength;
  const slotsStart = offsetsStart + offsets.byteLength;
  const bytesStart = slotsStart + slots.byteLength;
  const file = new Uint8Array(bytesStart + bytes.length);
  const view = new DataView(file.buffer);
  const header = [
    rankFileLayout.magic,
    rankFileLayout.version,
    jsonLength,
    rankCount,
    slotCount,
    bytes.length,
  ];
  header.forEach((word, index) => {
    view.setUint32(index * 4, word, true);
  });
  file.fill(0x20, headerLength, offsetsStart); // JSON padding: spaces
  file.set(json, headerLength);
  // Little-endian whatever the machine building it, as the header says.
  for (const [index, offset] of offsets.entries())
    view.setInt32(offsetsStart + index * 4, offset, true);
  for (const [index, rank] of slots.entries()) view.setInt32(slotsStart + index * 4, rank, true);
  file.set(bytes, bytesStart);
  return file;
}
