/**
 * An in-memory async iterable over recorded chunks that can fail after `failAfter` chunks,
 * standing in for the openai SDK's stream; `returned` tells whether the consumer closed it.
 */
export function createChunkStream<Chunk>({
  chunks,
  failAfter,
  error = new Error('stream failed'),
}: {
  chunks: readonly Chunk[];
  failAfter?: number | undefined;
  error?: unknown;
}): AsyncIterable<Chunk> & { returned: boolean } {
  const state = { returned: false };
  return {
    get returned() {
      return state.returned;
    },
    async *[Symbol.asyncIterator]() {
      try {
        for (const [index, chunk] of chunks.entries()) {
          if (index === failAfter) throw error;
          yield chunk;
        }
        if (failAfter === chunks.length) throw error;
      } finally {
        state.returned = true;
      }
    },
  };
}
