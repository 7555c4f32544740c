import Anthropic1 from '@anthropic-ai/sdk';
import { withMeterScope, withSubject } from '@llm-meter/metering';
import { readMeteringStats } from '@llm-meter/metering/sdk';
import { type MeteredServers, startMeteredServers } from '@llm-meter/metering/testing';
import Anthropic0 from 'anthropic0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterAnthropic } from './meter-anthropic.js';

let servers: MeteredServers;
beforeAll(async () => {
  servers = await startMeteredServers();
});
afterAll(() => servers.close());

const model = 'claude-haiku-4-5';
const messages = [{ role: 'user' as const, content: 'Say something about metering.' }];
const body = { model, max_tokens: 200, messages };

describe.each([
  ['anthropic 1', Anthropic1],
  ['anthropic 0', Anthropic0 as unknown as typeof Anthropic1],
])('meterAnthropic with %s', (label, Anthropic) => {
  const tag = label.replace(' ', '');
  const create = (options: { fetch?: typeof fetch } = {}) =>
    new Anthropic({ apiKey: 'openai-local', baseURL: servers.origin, maxRetries: 0, ...options });
  const client = () =>
    meterAnthropic(create(), { outbox: servers.outbox, logger: { warn: () => undefined } });

  it('bills a blocking message once, under its msg_ id, with the usage openai-local billed', async () => {
    const subject = `${tag}-blocking`;
    const message = await withSubject(subject, () => client().messages.create(body));
    expect(message.id).toMatch(/^msg_/);
    const compared = await servers.compareWithLedger(subject);
    expect(compared).toEqual([
      {
        id: message.id,
        usage_source: 'provider',
        metered: [message.usage.input_tokens, message.usage.output_tokens],
        billed: [message.usage.input_tokens, message.usage.output_tokens],
      },
    ]);
  });

  it('meters a stream (create with stream: true) once, every event passed through', async () => {
    const subject = `${tag}-stream`;
    const types: string[] = [];
    let id = '';
    await withSubject(subject, async () => {
      const stream = await client().messages.create({ ...body, stream: true });
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'message_start') id = event.message.id;
      }
    });
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    const compared = await servers.compareWithLedger(subject);
    expect(compared).toHaveLength(1);
    expect(compared[0]).toMatchObject({ id, usage_source: 'provider' });
    expect(compared[0]?.metered).toEqual(compared[0]?.billed);
  });

  it('meters the messages.stream() helper, parse() and beta.messages.create, each once', async () => {
    const subject = `${tag}-helpers`;
    const metered = client();
    const ids = await withSubject(subject, async () => {
      const final = await metered.messages.stream(body).finalMessage();
      const beta = await metered.beta.messages.create(body);
      return [final.id, beta.id];
    });
    const compared = await servers.compareWithLedger(subject);
    expect(new Set(compared.map((row) => row.id))).toEqual(new Set(ids));
    expect(compared).toHaveLength(2);
    for (const row of compared) {
      expect(row.usage_source).toBe('provider');
      expect(row.metered).toEqual(row.billed);
    }
    expect(readMeteringStats(metered)).toEqual({ provider: 2, estimated: 0, failures: 0 });
  });

  it('bills concurrent scopes to their own subjects, with their dimensions', async () => {
    const metered = client();
    const subjects = [`${tag}-scope-a`, `${tag}-scope-b`, `${tag}-scope-c`];
    const ids = await Promise.all(
      subjects.map((subject) =>
        withMeterScope({ subject, dimensions: { feature: subject } }, async () => {
          const stream = await metered.messages.create({ ...body, stream: true });
          let streamId = '';
          for await (const event of stream)
            if (event.type === 'message_start') streamId = event.message.id;
          return streamId;
        }),
      ),
    );
    for (const [index, subject] of subjects.entries()) {
      const events = await servers.metered(subject);
      expect(events.map((event) => [event.id, event.data.feature])).toEqual([
        [ids[index], subject],
      ]);
    }
  });
});
