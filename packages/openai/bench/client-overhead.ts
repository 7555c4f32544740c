// Time meterOpenAI adds per call over the bare openai client (SDK 6 and 7), against openai-local
// at full speed in its own process, with the outbox delivering to openmeter-local in another,
// and the same answers replayed in process (no network): metering's runClientOverheadBench.
// Run: pnpm --filter @llm-meter/openai bench   (BENCH_ROUNDS=20 BENCH_BLOCK=50 by default)
// Before/after in one run: BENCH_BASELINE=<a pnpm-installed checkout of the earlier commit> adds
// that checkout's meterOpenAI (over its own outbox) as `before` rows, replayed, with their own
// bare client, interleaved with the rest.
//
// Calls are sequential (one in flight), in blocks that take turns between the targets, so each
// target meets the servers and the machine in the same state. Blocking: from `create()` to the
// parsed answer. Stream: from `create()` to the first chunk in the caller's hands (the rest of
// the stream is read, untimed). The load average is printed beside the figures: compare only
// figures of the same run.
import { createReplayFetch, runClientOverheadBench } from '@llm-meter/metering/testing';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { meterOpenAI } from '../src/index.js';

const body = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Say hello in five words.' }],
  max_completion_tokens: 16,
};

await runClientOverheadBench<OpenAI6>({
  async setup({ origin, outbox, baseline }) {
    const baseURL = `${origin}/v1`;
    const options = { apiKey: 'openai-local', baseURL, maxRetries: 0 };
    const meterOptions = { outbox, defaultSubject: 'customer-bench' };
    const replay = await createReplayFetch({
      url: `${baseURL}/chat/completions`,
      headers: { authorization: 'Bearer openai-local' },
      bodies: {
        blocking: body,
        stream: { ...body, stream: true, stream_options: { include_usage: true } },
      },
    });
    const replayed = { ...options, fetch: replay };
    const OpenAI7As6 = OpenAI7 as unknown as typeof OpenAI6;
    const before = baseline
      ? await baseline.import<{ meterOpenAI: typeof meterOpenAI }>('packages/openai/src/index.ts')
      : undefined;
    const beforeTargets = before
      ? [
          { sdk: 'replayed 6, before', metered: false, client: new OpenAI6(replayed) },
          {
            sdk: 'replayed 6, before',
            metered: true,
            client: before.meterOpenAI(new OpenAI6(replayed), {
              ...meterOptions,
              outbox: baseline?.outbox as typeof outbox,
            }),
          },
        ]
      : [];
    return [
      ...beforeTargets,
      { sdk: 'replayed 6', metered: false, client: new OpenAI6(replayed) },
      {
        sdk: 'replayed 6',
        metered: true,
        client: meterOpenAI(new OpenAI6(replayed), meterOptions),
      },
      { sdk: 'openai 6', metered: false, client: new OpenAI6(options) },
      { sdk: 'openai 6', metered: true, client: meterOpenAI(new OpenAI6(options), meterOptions) },
      { sdk: 'openai 7', metered: false, client: new OpenAI7As6(options) },
      {
        sdk: 'openai 7',
        metered: true,
        client: meterOpenAI(new OpenAI7As6(options), meterOptions),
      },
    ];
  },
  calls: {
    blocking: async (client) => {
      const started = performance.now();
      await client.chat.completions.create(body);
      return performance.now() - started;
    },
    'stream first chunk': async (client) => {
      const started = performance.now();
      const stream = await client.chat.completions.create({ ...body, stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      const elapsed = performance.now() - started;
      while (!(await iterator.next()).done);
      return elapsed;
    },
  },
});
