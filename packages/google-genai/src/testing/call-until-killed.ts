// Child process of crash.test.ts: one call through a metered GoogleGenAI client (@google/genai 3
// or 2) against GEMINI_BASE_URL, its outbox on OUTBOX_DIR never delivering (the parent reads what
// the journal left). `stream`: one JSON line per chunk the caller got, and after STOP_AFTER chunks
// it stops reading and waits. `blocking`: `{"sent":true}` once the SDK fetches the request (the
// SDK awaits its own preparation before the wrapper runs), then it waits for an answer upstream
// holds back. The parent kills it with SIGKILL either way.
// Usage: node --conditions=@llm-meter/source --import tsx src/testing/call-until-killed.ts stream|blocking 3|2
import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { openDyingOutbox } from '@llm-meter/metering/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { meterGoogleGenAI } from '../meter-google-genai.js';
import { crashTestParams } from './crash-test-params.js';

const [mode, major] = process.argv.slice(2);
const baseUrl = process.env.GEMINI_BASE_URL;
const dir = process.env.OUTBOX_DIR;
if (
  !baseUrl ||
  !dir ||
  (mode !== 'stream' && mode !== 'blocking') ||
  (major !== '3' && major !== '2')
) {
  process.stderr.write(
    'usage: GEMINI_BASE_URL=... OUTBOX_DIR=... call-until-killed stream|blocking 3|2\n',
  );
  process.exit(2);
}
const { outbox } = await openDyingOutbox({ dir });
const GoogleGenAI = major === '3' ? GoogleGenAI3 : (GoogleGenAI2 as unknown as typeof GoogleGenAI3);
const fetchAndTell: typeof fetch = (url, init) => {
  if (mode === 'blocking') process.stdout.write(`${JSON.stringify({ sent: true })}\n`);
  return fetch(url, init);
};
const client = meterGoogleGenAI(
  new GoogleGenAI({ apiKey: 'openai-local', httpOptions: { baseUrl, fetch: fetchAndTell } }),
  {
    outbox,
    defaultSubject: `crash-${mode}-${major}`,
  },
);
const stopAfter = Number(process.env.STOP_AFTER ?? '3');
const hold = () => {
  setInterval(() => undefined, 60_000);
  return new Promise<never>(() => undefined);
};

if (mode === 'stream') {
  let received = 0;
  for await (const chunk of await client.models.generateContentStream(crashTestParams)) {
    process.stdout.write(
      `${JSON.stringify({ id: chunk.responseId, usage: chunk.usageMetadata })}\n`,
    );
    if (++received >= stopAfter) await hold();
  }
  process.stdout.write(`${JSON.stringify({ end: true })}\n`);
} else {
  await client.models.generateContent({
    ...crashTestParams,
    config: {
      ...crashTestParams.config,
      httpOptions: { headers: { 'x-openai-local-fault': 'delay-ms=600000' } },
    },
  });
  process.stdout.write(`${JSON.stringify({ end: true })}\n`);
}
