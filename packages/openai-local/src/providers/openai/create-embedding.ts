import { createSeededRandom } from '../../generation/create-seeded-random.js';

/**
 * Builds a deterministic unit-length embedding of float32 values for an input: the full model
 * size is drawn from a hash of the input, then shortened to `dimensions` and re-normalized, the
 * way OpenAI shortens text-embedding-3 vectors.
 */
export function createEmbedding({
  key,
  modelDimensions,
  dimensions,
}: {
  key: string;
  modelDimensions: number;
  dimensions: number;
}): number[] {
  const random = createSeededRandom(key);
  const full = Array.from({ length: modelDimensions }, () => random.next() * 2 - 1);
  const shortened = full.slice(0, dimensions);
  const norm = Math.sqrt(shortened.reduce((sum, value) => sum + value * value, 0)) || 1;
  // float32, so the `float` and `base64` encodings carry exactly the same numbers.
  return shortened.map((value) => Math.fround(value / norm));
}

/**
 * Encodes a vector as OpenAI's `encoding_format: "base64"`: little-endian float32 bytes, base64.
 */
export function encodeEmbeddingBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [index, value] of vector.entries()) bytes.writeFloatLE(value, index * 4);
  return bytes.toString('base64');
}
