import { beforeAll, bench, describe } from 'vitest';
import type { UsageEvent } from '../src/events/usage-event.js';
import type { ChatCompletionChunkLike } from '../src/providers/openai/stream/chat-stream-meter.js';
import { meterChatStream } from '../src/providers/openai/stream/meter-chat-stream.js';

// Cost of metering per chunk: a bare `for await` over 10k in-memory chunks against the same loop
// through meterChatStream, for 1 B, 64 B and 1 KiB of content per chunk.
const chunkCount = 10_000;
const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me a story.' }] };
const usage = { prompt_tokens: 12, completion_tokens: chunkCount, total_tokens: 12 + chunkCount };

function createChunks({
  size,
  withUsage,
}: {
  size: number;
  withUsage: boolean;
}): ChatCompletionChunkLike[] {
  const base = { id: 'chatcmpl-bench', created: 1_700_000_000, model: 'gpt-4o-mini-2024-07-18' };
  const content = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(size / 27)).slice(0, size);
  const chunks: ChatCompletionChunkLike[] = [];
  for (let index = 0; index < chunkCount; index += 1) {
    chunks.push({
      ...base,
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
      usage: null,
    });
  }
  chunks.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null });
  if (withUsage) chunks.push({ ...base, choices: [], usage });
  return chunks;
}

async function* replay<Chunk>(chunks: readonly Chunk[]): AsyncGenerator<Chunk> {
  for (const chunk of chunks) yield chunk;
}

// Results land here so nothing is optimized away.
let sink = 0;
const onUsage = (event: UsageEvent) => {
  sink += event.data.total_tokens;
};

async function bare(chunks: readonly ChatCompletionChunkLike[]): Promise<number> {
  let seen = 0;
  for await (const chunk of replay(chunks)) seen += chunk.choices?.length ?? 0;
  return seen;
}

async function metered(chunks: readonly ChatCompletionChunkLike[]): Promise<number> {
  let seen = 0;
  for await (const chunk of meterChatStream(replay(chunks), {
    request,
    subject: 'bench',
    onUsage,
  })) {
    seen += chunk.choices?.length ?? 0;
  }
  return seen;
}

for (const size of [1, 64, 1024]) {
  const withUsage = createChunks({ size, withUsage: true });
  const withoutUsage = createChunks({ size, withUsage: false });

  describe(`${chunkCount} chunks of ${size} B`, () => {
    beforeAll(async () => {
      const before = sink;
      if ((await bare(withUsage)) !== (await metered(withUsage))) throw new Error('chunks lost');
      if (sink - before !== usage.total_tokens) throw new Error('provider usage not reported once');
    });

    bench('bare for await', async () => {
      sink += await bare(withUsage);
    });

    bench('meterChatStream, provider usage chunk', async () => {
      sink += await metered(withUsage);
    });

    // Estimating encodes the whole streamed text once at the end; skip the 10 MiB case.
    if (size <= 64) {
      bench('meterChatStream, estimate (encodes the text once at the end)', async () => {
        sink += await metered(withoutUsage);
      });
    }
  });
}
