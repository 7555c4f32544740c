/**
 * The hash of a byte sequence in the rank table: FNV-1a over the bytes, then a final mix so that
 * the low bits (the slot) depend on every byte. The rank files are built with it (their slots are
 * computed when the package is built) and the tokenizer looks ranks up with it, so both sides must
 * use these three and nothing else: the steps are separate so that hot loops hash two ranges
 * without copying them.
 */
export const rankHashSeed = 0x811c9dc5;

/** One byte into the running hash (see {@link rankHashSeed}). */
export const rankHashStep = (hash: number, byte: number): number =>
  Math.imul(hash ^ byte, 0x01000193);

/** The final mix of a running hash (see {@link rankHashSeed}); the slot is its low bits. */
export function rankHashFinish(hash: number): number {
  const mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  return mixed ^ (mixed >>> 13);
}
