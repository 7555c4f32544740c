// Child process of crash.test.ts: one call through the metering middleware (ai 6) to the
// simulator at OPENAI_LOCAL_URL, journaled into an outbox on OUTBOX_DIR that never delivers.
// `stream`: prints one JSON line per text delta AFTER it went through the middleware, and
// holds the stream open after STOP_AFTER of them. `generate`: prints one line when the request
// is handed to fetch (after the middleware journaled it), while upstream holds its answer.
// The parent kills it with SIGKILL in both cases.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createUsageOutbox } from '@llm-meter/meter-outbox';
import { faultHeaderName } from '@llm-meter/openai-local';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { createMeterMiddleware } from '../create-meter-middleware.js';

const [mode, provider] = process.argv.slice(2);
const url = process.env.OPENAI_LOCAL_URL;
const dir = process.env.OUTBOX_DIR;
if (!url || !dir || (mode !== 'stream' && mode !== 'generate')) {
  process.stderr.write(
    'usage: OPENAI_LOCAL_URL=... OUTBOX_DIR=... call-until-killed stream|generate PROVIDER\n',
  );
  process.exit(2);
}
const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const holdForever = () => {
  setInterval(() => undefined, 60_000);
  return new Promise<never>(() => undefined);
};
const outbox = await createUsageOutbox({
  client: { events: { ingest: () => new Promise<void>(() => undefined) } },
  dir,
  logger: false,
});
// The request reaching fetch means the middleware has journaled it.
const fetchAndReport: typeof fetch = (input, init) => {
  print({ sent: true });
  return fetch(input, init);
};
const origin = new URL(url).origin;
const models = {
  'openai-responses': () =>
    createOpenAI({ baseURL: url, apiKey: 'k', fetch: fetchAndReport })('gpt-4o-mini'),
  'openai-chat': () =>
    createOpenAI({ baseURL: url, apiKey: 'k', fetch: fetchAndReport }).chat('gpt-4o-mini'),
  anthropic: () =>
    createAnthropic({ baseURL: url, apiKey: 'k', fetch: fetchAndReport })('claude-haiku-4-5'),
  gemini: () =>
    // Without thinking: every output token of the answer is streamed text.
    createGoogleGenerativeAI({ baseURL: `${origin}/v1beta`, apiKey: 'k', fetch: fetchAndReport })(
      'gemini-2.5-flash-lite',
    ),
};
const create = models[provider as keyof typeof models];
if (!create) throw new Error(`unknown provider ${provider}`);
const model = wrapLanguageModel({
  model: create(),
  middleware: createMeterMiddleware({ outbox, subject: 'customer-crash' }),
});
const prompt =
  'Describe, step by step and at length, how a usage meter turns streamed events into an invoice.';
const stopAfter = Number(process.env.STOP_AFTER ?? Number.POSITIVE_INFINITY);

if (mode === 'generate') {
  await generateText({
    model,
    prompt,
    maxOutputTokens: 200,
    // Upstream holds its answer until after the kill.
    headers: { [faultHeaderName]: 'delay-ms=600000' },
  });
} else {
  let deltas = 0;
  // Upstream stalls a few events after the last delta printed (the events before the first
  // delta included; Gemini's chunks all carry text), so the stream is still open at the kill:
  // the middleware reads upstream on whatever the caller does, and must not reach its end first.
  const stallAfter = Number.isFinite(stopAfter)
    ? stopAfter + (provider === 'gemini' ? 0 : 6)
    : undefined;
  const headers =
    stallAfter === undefined
      ? undefined
      : { [faultHeaderName]: `stall-after=${stallAfter}, stall-ms=600000` };
  for await (const text of streamText({ model, prompt, maxOutputTokens: 400, headers })
    .textStream) {
    if (text === '') continue;
    print({ text });
    deltas += 1;
    if (deltas >= stopAfter) await holdForever();
  }
}
print({ end: true });
