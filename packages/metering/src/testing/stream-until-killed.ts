// Child process of crash-snapshots.test.ts: streams one answer from the OpenAI-compatible server
// at OPENAI_BASE_URL through the journaled stream meter into an outbox on OUTBOX_DIR, printing
// one JSON line per chunk AFTER the chunk went through the meter. After STOP_AFTER chunks it
// stops reading (the stream stays open) and waits for the parent's kill -9.
// Usage: node --conditions=@llm-meter/source --import tsx src/testing/stream-until-killed.ts chat|responses
import { createUsageOutbox } from '@llm-meter/meter-outbox';
import OpenAI from 'openai';
import { meterChatStreamIntoOutbox } from '../meter-chat-stream-into-outbox.js';
import { meterResponsesStreamIntoOutbox } from '../meter-responses-stream-into-outbox.js';
import { crashTestPrompt } from './crash-test-prompt.js';

const api = process.argv[2];
const baseURL = process.env.OPENAI_BASE_URL;
const dir = process.env.OUTBOX_DIR;
if (!baseURL || !dir || (api !== 'chat' && api !== 'responses')) {
  process.stderr.write(
    'usage: OPENAI_BASE_URL=... OUTBOX_DIR=... stream-until-killed chat|responses\n',
  );
  process.exit(2);
}
// Nothing reaches OpenMeter from this process: the parent reads what the journal left.
const outbox = await createUsageOutbox({
  client: { events: { ingest: () => new Promise<void>(() => undefined) } },
  dir,
  logger: false,
});
const openai = new OpenAI({ apiKey: 'openai-local', baseURL });
const stopAfter = Number(process.env.STOP_AFTER ?? Number.POSITIVE_INFINITY);
let reported = 0;
const report = async (text: string) => {
  process.stdout.write(`${JSON.stringify({ text })}\n`);
  reported += 1;
  if (reported < stopAfter) return;
  // Hold the stream open, mid-read, until the parent kills this process.
  setInterval(() => undefined, 60_000);
  await new Promise(() => undefined);
};
const options = { subject: 'customer-crash', dimensions: { feature: 'crash-test' } };

if (api === 'chat') {
  const request = crashTestPrompt.chat;
  const stream = await openai.chat.completions.create({ ...request, stream: true });
  for await (const chunk of meterChatStreamIntoOutbox({ stream, request, outbox, options })) {
    const text = chunk.choices[0]?.delta?.content;
    if (text) await report(text);
  }
} else {
  const request = crashTestPrompt.responses;
  const stream = await openai.responses.create({ ...request, stream: true });
  for await (const event of meterResponsesStreamIntoOutbox({ stream, request, outbox, options })) {
    if (event.type === 'response.output_text.delta') await report(event.delta);
  }
}
process.stdout.write(`${JSON.stringify({ end: true })}\n`);
