// Child process of crash.test.ts: makes one call through a metered Anthropic client (SDK 1 or 0)
// against ANTHROPIC_BASE_URL, with an outbox on OUTBOX_DIR that never delivers (the parent reads
// what the journal left). `stream`: prints one JSON line per event the caller received, and after
// STOP_AFTER events stops reading and waits. `blocking`: prints `{"sent":true}` once the call is
// handed to the SDK, then waits for an answer upstream holds back; `held-stream`: the same with
// a stream, whose headers upstream holds back. Either way the parent kills it with SIGKILL.
// Usage: node --conditions=@llm-meter/source --import tsx src/testing/call-until-killed.ts stream|blocking|held-stream 1|0
import Anthropic1 from '@anthropic-ai/sdk';
import { openDyingOutbox } from '@llm-meter/metering/testing';
import Anthropic0 from 'anthropic0';
import { meterAnthropic } from '../meter-anthropic.js';
import { crashTestBody } from './crash-test-body.js';

const [mode, sdk] = process.argv.slice(2);
const baseURL = process.env.ANTHROPIC_BASE_URL;
const dir = process.env.OUTBOX_DIR;
if (
  !baseURL ||
  !dir ||
  (mode !== 'stream' && mode !== 'blocking' && mode !== 'held-stream') ||
  (sdk !== '1' && sdk !== '0')
) {
  process.stderr.write(
    'usage: ANTHROPIC_BASE_URL=... OUTBOX_DIR=... call-until-killed stream|blocking|held-stream 1|0\n',
  );
  process.exit(2);
}
const { outbox } = await openDyingOutbox({ dir });
const Anthropic = sdk === '1' ? Anthropic1 : (Anthropic0 as unknown as typeof Anthropic1);
const client = meterAnthropic(new Anthropic({ apiKey: 'openai-local', baseURL, maxRetries: 0 }), {
  outbox,
  defaultSubject: `crash-${mode}-${sdk}`,
});
const stopAfter = Number(process.env.STOP_AFTER ?? '3');
const hold = () => {
  setInterval(() => undefined, 60_000);
  return new Promise<never>(() => undefined);
};

if (mode === 'stream') {
  const stream = await client.messages.create({ ...crashTestBody, stream: true });
  let received = 0;
  for await (const event of stream) {
    const id = event.type === 'message_start' ? event.message.id : undefined;
    const text =
      event.type === 'content_block_delta' && event.delta.type === 'text_delta'
        ? event.delta.text
        : '';
    process.stdout.write(`${JSON.stringify({ id, text })}\n`);
    if (++received >= stopAfter) await hold();
  }
  process.stdout.write(`${JSON.stringify({ end: true })}\n`);
} else {
  const answer = client.messages.create(
    { ...crashTestBody, stream: mode === 'held-stream' },
    {
      headers: { 'x-openai-local-fault': 'delay-ms=600000' },
    },
  );
  process.stdout.write(`${JSON.stringify({ sent: true })}\n`);
  await answer;
  process.stdout.write(`${JSON.stringify({ end: true })}\n`);
}
