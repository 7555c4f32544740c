// Time meterGoogleGenAI adds per call over the bare GoogleGenAI client (@google/genai 3 and 2),
// against openai-local's Gemini simulation at full speed in its own process, the outbox
// delivering to openmeter-local in another, and the same answers replayed in process through the
// client's `httpOptions.fetch` (no network).
// Run: pnpm --filter @llm-meter/google-genai bench   (BENCH_ROUNDS=20 BENCH_BLOCK=50 by default)
import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { createReplayFetch, runClientOverheadBench } from '@llm-meter/metering/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { meterGoogleGenAI } from '../src/index.js';

const model = 'gemini-2.0-flash';
const params = { model, contents: 'Say hello in five words.', config: { maxOutputTokens: 16 } };
const body = {
  contents: [{ role: 'user', parts: [{ text: params.contents }] }],
  generationConfig: { maxOutputTokens: 16 },
};

await runClientOverheadBench<GoogleGenAI3>({
  async setup({ origin, outbox }) {
    const meterOptions = { outbox, defaultSubject: 'customer-bench' };
    const replay = await createReplayFetch({
      url: {
        blocking: `${origin}/v1beta/models/${model}:generateContent`,
        stream: `${origin}/v1beta/models/${model}:streamGenerateContent?alt=sse`,
      },
      headers: { 'x-goog-api-key': 'openai-local' },
      bodies: { blocking: body, stream: body },
      isStream: ({ url }) => url.includes(':streamGenerateContent'),
    });
    const options = { apiKey: 'openai-local', httpOptions: { baseUrl: origin } };
    const replayed = { apiKey: 'openai-local', httpOptions: { baseUrl: origin, fetch: replay } };
    const GoogleGenAI2As3 = GoogleGenAI2 as unknown as typeof GoogleGenAI3;
    return [
      { sdk: 'replayed 3', metered: false, client: new GoogleGenAI3(replayed) },
      {
        sdk: 'replayed 3',
        metered: true,
        client: meterGoogleGenAI(new GoogleGenAI3(replayed), meterOptions),
      },
      { sdk: 'genai 3', metered: false, client: new GoogleGenAI3(options) },
      {
        sdk: 'genai 3',
        metered: true,
        client: meterGoogleGenAI(new GoogleGenAI3(options), meterOptions),
      },
      { sdk: 'genai 2', metered: false, client: new GoogleGenAI2As3(options) },
      {
        sdk: 'genai 2',
        metered: true,
        client: meterGoogleGenAI(new GoogleGenAI2As3(options), meterOptions),
      },
    ];
  },
  calls: {
    blocking: async (client) => {
      const started = performance.now();
      await client.models.generateContent(params);
      return performance.now() - started;
    },
    'stream first chunk': async (client) => {
      const started = performance.now();
      const stream = await client.models.generateContentStream(params);
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      const elapsed = performance.now() - started;
      while (!(await iterator.next()).done);
      return elapsed;
    },
  },
});
