// Time meterAnthropic adds per call over the bare Anthropic client (SDK 1 and 0), against
// openai-local's Anthropic simulation at full speed in its own process, the outbox delivering to
// openmeter-local in another, and the same answers replayed in process (no network).
// Run: pnpm --filter @llm-meter/anthropic bench   (BENCH_ROUNDS=20 BENCH_BLOCK=50 by default)
// Before/after in one run: BENCH_BASELINE=<a pnpm-installed checkout of the earlier commit> adds
// that checkout's meterAnthropic (over its own outbox) as `before` rows, replayed, with their
// own bare client, interleaved with the rest.
import Anthropic1 from '@anthropic-ai/sdk';
import { createReplayFetch, runClientOverheadBench } from '@llm-meter/metering/testing';
import Anthropic0 from 'anthropic0';
import { meterAnthropic } from '../src/index.js';

const body = {
  model: 'claude-haiku-4-5',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'Say hello in five words.' }],
};

await runClientOverheadBench<Anthropic1>({
  async setup({ origin, outbox, baseline }) {
    const options = { apiKey: 'openai-local', baseURL: origin, maxRetries: 0 };
    const meterOptions = { outbox, defaultSubject: 'customer-bench' };
    const replay = await createReplayFetch({
      url: `${origin}/v1/messages`,
      headers: { 'x-api-key': 'openai-local', 'anthropic-version': '2023-06-01' },
      bodies: { blocking: body, stream: { ...body, stream: true } },
    });
    const replayed = { ...options, fetch: replay };
    const Anthropic0As1 = Anthropic0 as unknown as typeof Anthropic1;
    const before = baseline
      ? await baseline.import<{ meterAnthropic: typeof meterAnthropic }>(
          'packages/anthropic/src/index.ts',
        )
      : undefined;
    const beforeTargets = before
      ? [
          { sdk: 'replayed 1, before', metered: false, client: new Anthropic1(replayed) },
          {
            sdk: 'replayed 1, before',
            metered: true,
            client: before.meterAnthropic(new Anthropic1(replayed), {
              ...meterOptions,
              outbox: baseline?.outbox as typeof outbox,
            }),
          },
        ]
      : [];
    return [
      ...beforeTargets,
      { sdk: 'replayed 1', metered: false, client: new Anthropic1(replayed) },
      {
        sdk: 'replayed 1',
        metered: true,
        client: meterAnthropic(new Anthropic1(replayed), meterOptions),
      },
      { sdk: 'anthropic 1', metered: false, client: new Anthropic1(options) },
      {
        sdk: 'anthropic 1',
        metered: true,
        client: meterAnthropic(new Anthropic1(options), meterOptions),
      },
      { sdk: 'anthropic 0', metered: false, client: new Anthropic0As1(options) },
      {
        sdk: 'anthropic 0',
        metered: true,
        client: meterAnthropic(new Anthropic0As1(options), meterOptions),
      },
    ];
  },
  calls: {
    blocking: async (client) => {
      const started = performance.now();
      await client.messages.create(body);
      return performance.now() - started;
    },
    'stream first chunk': async (client) => {
      const started = performance.now();
      const stream = await client.messages.create({ ...body, stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      const elapsed = performance.now() - started;
      while (!(await iterator.next()).done);
      return elapsed;
    },
  },
});
