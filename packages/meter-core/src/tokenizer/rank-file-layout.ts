/**
 * The layout of a rank file (`ranks/<encoding>.bin`, generated when the package is built): a
 * header of six little-endian 32-bit words (magic, format version, JSON length, rank count, slot
 * count, byte count), the JSON (`pat_str`, `special_tokens`, where the ranks came from) padded to a
 * multiple of 4 bytes, then the rank offsets (`Int32Array`, rank count + 1), the hash-table slots
 * (`Int32Array`: the rank stored in each slot, -1 when empty) and the rank bytes. Every section
 * starts at a multiple of 4, so the tokenizer views them in place.
 */
export const rankFileLayout = {
  /** "LMRK" read as a little-endian 32-bit word. */
  magic: 0x4b524d4c,
  /** Bumped whenever the layout or the hash ({@link rankHashSeed}) changes. */
  version: 1,
  headerWords: 6,
} as const;
