import Anthropic1 from '@anthropic-ai/sdk';
import { describeWrapperScenarios } from '@llm-meter/metering/testing';
import Anthropic0 from 'anthropic0';
import { expect } from 'vitest';
import { meterAnthropic } from './meter-anthropic.js';

const body = {
  model: 'claude-haiku-4-5',
  max_tokens: 200,
  messages: [{ role: 'user' as const, content: 'Say something about metering.' }],
};

describeWrapperScenarios({
  wrapper: 'meterAnthropic',
  sdks: (
    [
      ['anthropic 1', Anthropic1],
      ['anthropic 0', Anthropic0 as unknown as typeof Anthropic1],
    ] as const
  ).map(([label, Anthropic]) => ({
    label,
    create: ({ servers, fetch }) =>
      new Anthropic({ apiKey: 'openai-local', baseURL: servers.origin, maxRetries: 0, fetch }),
    meter: (client, options) => meterAnthropic(client as Anthropic1, options),
    callBlocking: (client, options) =>
      (client as Anthropic1).messages
        .create(body, options)
        .then((message) => ({ id: message.id, answered: message.content.length > 0 })),
    async callStream(client) {
      const stream = await (client as Anthropic1).messages.create({ ...body, stream: true });
      let id = '';
      let chunks = 0;
      for await (const event of stream) {
        if (event.type === 'message_start') id = event.message.id;
        chunks += 1;
      }
      return { id, chunks };
    },
    minStreamChunks: 3,
    model: body.model,
    provider: 'anthropic',
    expectQuotaError(error) {
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      expect(error).toMatchObject({
        status: 429,
        error: { type: 'error', error: { type: 'rate_limit_error' } },
      });
      expect((error as Error).message).toMatch(
        /insufficient_quota: You exceeded your current quota/,
      );
    },
    expectBadRequest: (error) => expect(error).toBeInstanceOf(Anthropic.BadRequestError),
  })),
});
