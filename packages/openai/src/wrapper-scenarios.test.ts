import { describeWrapperScenarios } from '@llm-meter/metering/testing';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { expect } from 'vitest';
import { meterOpenAI } from './meter-openai.js';

const model = 'gpt-4o-mini';
const messages = [{ role: 'user' as const, content: 'Say something about metering.' }];

describeWrapperScenarios({
  wrapper: 'meterOpenAI',
  sdks: (
    [
      ['openai 6', OpenAI6],
      ['openai 7', OpenAI7 as unknown as typeof OpenAI6],
    ] as const
  ).map(([label, OpenAI]) => ({
    label,
    create: ({ servers, fetch }) =>
      new OpenAI({ apiKey: 'openai-local', baseURL: servers.openaiUrl, maxRetries: 0, fetch }),
    meter: (client, options) => meterOpenAI(client as OpenAI6, options),
    callBlocking: (client, options) =>
      (client as OpenAI6).chat.completions
        .create({ model, messages }, options)
        .then((completion) => ({
          id: completion.id,
          answered: Boolean(completion.choices[0]?.message.content),
        })),
    async callStream(client) {
      const stream = await (client as OpenAI6).chat.completions.create({
        model,
        messages,
        stream: true,
      });
      let id = '';
      let chunks = 0;
      for await (const chunk of stream) {
        id = chunk.id;
        chunks += 1;
      }
      return { id, chunks };
    },
    minStreamChunks: 1,
    model,
    provider: 'openai',
    expectQuotaError(error) {
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error).toMatchObject({ status: 429, code: 'insufficient_quota' });
    },
    expectBadRequest: (error) => expect(error).toBeInstanceOf(OpenAI.BadRequestError),
  })),
});
