// Time the metering middleware adds to a call, over the bare model, in interleaved blocks:
//   1. in process: the real @ai-sdk/openai and @ai-sdk/anthropic results, recorded once from
//      openai-local, replayed by a model that answers at once, so only the middleware's own
//      time is measured (journal records written to a real outbox on disk, `group` durability);
//   2. end to end: the same providers against openai-local at full speed, over HTTP.
// Blocking: time of `doGenerate`. Streaming: time to the first text part (first-chunk delay)
// and to the end of the stream. p50 and p99 of each, bare and wrapped, measured in the same run.
// Usage: pnpm --filter @llm-meter/ai-sdk bench   (BENCH_CALLS=2000 BENCH_BLOCK=100 to change)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { createUsageOutbox } from '@llm-meter/meter-outbox';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { wrapLanguageModel } from 'ai';
import { createMeterMiddleware } from '../src/index.js';

const calls = Number(process.env.BENCH_CALLS ?? 2000);
const block = Number(process.env.BENCH_BLOCK ?? 100);

const local = await startOpenAILocal({});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-sdk-bench-'));
const outbox = await createUsageOutbox({
  client: { events: { ingest: async () => undefined } },
  dir,
  logger: false,
});
const middleware = createMeterMiddleware({ outbox, subject: 'bench' });
// Where the time goes: the same middleware over an outbox without a journal on disk.
const memoryOutbox = await createUsageOutbox({
  client: { events: { ingest: async () => undefined } },
  durability: 'memory',
  logger: false,
});
const memoryMiddleware = createMeterMiddleware({ outbox: memoryOutbox, subject: 'bench' });
const params: LanguageModelV3CallOptions = {
  prompt: [{ role: 'user', content: [{ type: 'text', text: 'Tell me about usage metering.' }] }],
  maxOutputTokens: 60,
};

/** A model that replays one recorded answer of `model` at once (its raw chunks included). */
async function recordReplay(model: LanguageModelV3): Promise<LanguageModelV3> {
  const { generated, streamed, parts } = await withRetries(async () => {
    const generated = await model.doGenerate(params);
    const streamed = await model.doStream({ ...params, includeRawChunks: true });
    const parts: unknown[] = [];
    for await (const part of streamed.stream as unknown as AsyncIterable<unknown>) parts.push(part);
    return { generated, streamed, parts };
  });
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    supportedUrls: {},
    doGenerate: async () => generated,
    doStream: async (options) => ({
      ...streamed,
      stream: new ReadableStream({
        start(controller) {
          for (const part of parts) {
            if ((part as { type: string }).type === 'raw' && !options.includeRawChunks) continue;
            controller.enqueue(part as never);
          }
          controller.close();
        },
      }),
    }),
  };
}

/** A reused keep-alive socket may be reset on a loaded machine: record again. */
async function withRetries<T>(record: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await record();
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

type Sample = { generate: number[]; first: number[]; stream: number[] };
const newSample = (): Sample => ({ generate: [], first: [], stream: [] });

async function timeOnce(model: LanguageModelV3, into: Sample): Promise<void> {
  let start = performance.now();
  await model.doGenerate(params);
  into.generate.push(performance.now() - start);
  start = performance.now();
  const { stream } = await model.doStream(params);
  const reader = stream.getReader();
  let first = true;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (first && value.type === 'text-delta') {
      into.first.push(performance.now() - start);
      first = false;
    }
  }
  into.stream.push(performance.now() - start);
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const us = (ms: number) => `${(ms * 1000).toFixed(0).padStart(7)} µs`;

async function compare(
  name: string,
  bare: LanguageModelV3,
  count: number,
  using: typeof middleware = middleware,
): Promise<void> {
  const wrapped = wrapLanguageModel({ model: bare, middleware: using });
  const samples = { bare: newSample(), wrapped: newSample() };
  // Warm-up: JIT, tokenizer tables, outbox segment.
  for (let index = 0; index < 50; index += 1) {
    await timeOnce(bare, newSample());
    await timeOnce(wrapped, newSample());
  }
  for (let done = 0; done < count; done += block) {
    // Alternate which goes first, so drift in machine load hits both alike.
    const order =
      (done / block) % 2 === 0 ? (['bare', 'wrapped'] as const) : (['wrapped', 'bare'] as const);
    for (const which of order) {
      const model = which === 'bare' ? bare : wrapped;
      for (let index = 0; index < block; index += 1) await timeOnce(model, samples[which]);
    }
  }
  console.log(`\n${name} (${count} calls each, blocks of ${block}, interleaved)`);
  console.log(
    '                      bare p50     bare p99  wrapped p50  wrapped p99   added p50   added p99',
  );
  for (const [label, key] of [
    ['blocking call', 'generate'],
    ['stream first chunk', 'first'],
    ['stream to the end', 'stream'],
  ] as const) {
    const bp50 = quantile(samples.bare[key], 0.5);
    const bp99 = quantile(samples.bare[key], 0.99);
    const wp50 = quantile(samples.wrapped[key], 0.5);
    const wp99 = quantile(samples.wrapped[key], 0.99);
    console.log(
      `${label.padEnd(20)} ${us(bp50)} ${us(bp99)} ${us(wp50)} ${us(wp99)} ${us(wp50 - bp50)} ${us(wp99 - bp99)}`,
    );
  }
}

const openai = createOpenAI({ baseURL: local.url, apiKey: 'bench' });
const anthropic = createAnthropic({ baseURL: local.url, apiKey: 'bench' });
const models: Array<[string, LanguageModelV3]> = [
  ['openai responses', openai('gpt-4o-mini')],
  ['openai chat', openai.chat('gpt-4o-mini')],
  ['anthropic', anthropic('claude-haiku-4-5')],
];
console.log(
  `node ${process.version}, ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);
for (const [name, model] of models)
  await compare(`in process, ${name} (recorded answer)`, await recordReplay(model), calls);
await compare(
  'in process, openai responses, outbox in memory (no journal on disk: the middleware alone)',
  await recordReplay(models[0]?.[1] as LanguageModelV3),
  calls,
  memoryMiddleware,
);
for (const [name, model] of models.slice(0, 1))
  await compare(
    `end to end, ${name} (openai-local over HTTP)`,
    model,
    Math.max(block * 2, calls / 4),
  );
console.log(
  `\nload average after: ${os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);
await outbox.close();
await memoryOutbox.close();
await local.close();
fs.rmSync(dir, { recursive: true, force: true });
