// Child process of crash.test.ts: makes one call through a metered openai client (SDK 6 or 7)
// against OPENAI_BASE_URL, with an outbox on OUTBOX_DIR that never delivers (the parent reads
// what the journal left). `stream`: prints one JSON line per chunk the caller received, and
// after STOP_AFTER chunks stops reading and waits. `blocking`: prints `{"sent":true}` once the
// call is handed to the SDK, then waits for an answer upstream holds back; `held-stream`: the
// same with a stream, whose headers upstream holds back. Either way the parent kills it with
// SIGKILL.
// Usage: node --conditions=@llm-meter/source --import tsx src/testing/call-until-killed.ts stream|blocking|held-stream 6|7
import { openDyingOutbox } from '@llm-meter/metering/testing';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { meterOpenAI } from '../meter-openai.js';

const [mode, sdk] = process.argv.slice(2);
const baseURL = process.env.OPENAI_BASE_URL;
const dir = process.env.OUTBOX_DIR;
if (
  !baseURL ||
  !dir ||
  (mode !== 'stream' && mode !== 'blocking' && mode !== 'held-stream') ||
  (sdk !== '6' && sdk !== '7')
) {
  process.stderr.write(
    'usage: OPENAI_BASE_URL=... OUTBOX_DIR=... call-until-killed stream|blocking|held-stream 6|7\n',
  );
  process.exit(2);
}
const { outbox } = await openDyingOutbox({ dir });
const OpenAI = sdk === '6' ? OpenAI6 : (OpenAI7 as unknown as typeof OpenAI6);
const openai = meterOpenAI(new OpenAI({ apiKey: 'openai-local', baseURL, maxRetries: 0 }), {
  outbox,
  defaultSubject: `crash-${mode}-${sdk}`,
});
const messages = [{ role: 'user' as const, content: 'Tell me a long story about metering.' }];
const stopAfter = Number(process.env.STOP_AFTER ?? '3');
const hold = () => {
  setInterval(() => undefined, 60_000);
  return new Promise<never>(() => undefined);
};

if (mode === 'stream') {
  const stream = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages,
    stream: true,
  });
  let received = 0;
  for await (const chunk of stream) {
    process.stdout.write(
      `${JSON.stringify({ id: chunk.id, text: chunk.choices[0]?.delta?.content ?? '' })}\n`,
    );
    if (++received >= stopAfter) await hold();
  }
  process.stdout.write(`${JSON.stringify({ end: true })}\n`);
} else {
  const answer = openai.chat.completions.create(
    { model: 'gpt-4o-mini', messages, stream: mode === 'held-stream' },
    { headers: { 'x-openai-local-fault': 'delay-ms=600000' } },
  );
  process.stdout.write(`${JSON.stringify({ sent: true })}\n`);
  await answer;
  process.stdout.write(`${JSON.stringify({ end: true })}\n`);
}
