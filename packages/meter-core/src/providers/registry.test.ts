import { describe, expect, it } from 'vitest';
import { estimateAnthropicPromptTokens } from './anthropic/count/estimate-anthropic-prompt-tokens.js';
import { countChatPromptTokens } from './openai/count/count-chat-prompt-tokens.js';
import { convertResponsesRequest } from './openai/events/convert-responses-request.js';
import { getUsageProvider, usageProviderIds } from './registry.js';

describe('getUsageProvider', () => {
  it('knows OpenAI, Anthropic and Google and names the known providers for any other id', () => {
    expect(usageProviderIds).toEqual(['openai', 'anthropic', 'google']);
    expect(getUsageProvider('openai').id).toBe('openai');
    expect(getUsageProvider('anthropic').id).toBe('anthropic');
    expect(getUsageProvider('google').id).toBe('google');
    expect(() => getUsageProvider('mistral')).toThrow(
      'unknown provider "mistral": this version of @llm-meter/meter-core knows openai, anthropic, google',
    );
  });
});

describe("OpenAI's request estimate", () => {
  const { estimateRequest } = getUsageProvider('openai');
  const messages = [
    { role: 'system' as const, content: 'You answer in one line.' },
    { role: 'user' as const, content: 'What is metering?' },
  ];

  it('counts a chat prompt as stream estimates do, with its output limit and choices', () => {
    const request = { model: 'gpt-4o-mini', messages, max_completion_tokens: 40, n: 2 };
    expect(estimateRequest(request)).toEqual({
      promptTokens: countChatPromptTokens(request).tokens,
      excludedParts: 0,
      maxOutputTokens: 40,
      choices: 2,
    });
    expect(estimateRequest({ model: 'gpt-4o-mini', messages, max_tokens: 7 }).maxOutputTokens).toBe(
      7,
    );
    expect(estimateRequest({ model: 'gpt-4o-mini', messages }).maxOutputTokens).toBeUndefined();
  });

  it('counts a Responses prompt through its chat form, and lists parts it cannot count', () => {
    const request = {
      model: 'gpt-4.1-mini',
      instructions: 'You answer in one line.',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in this picture?' },
            { type: 'input_image', image_url: 'https://example.com/a.png' },
          ],
        },
      ],
      max_output_tokens: 64,
    };
    const estimate = estimateRequest(request);
    expect(estimate.maxOutputTokens).toBe(64);
    expect(estimate.choices).toBe(1);
    expect(estimate.promptTokens).toBe(
      countChatPromptTokens({ ...convertResponsesRequest(request), model: 'gpt-4.1-mini' }).tokens,
    );
    expect(estimate.excludedParts).toBe(1);
  });

  it('counts embeddings input, with no output', () => {
    expect(
      estimateRequest({ model: 'text-embedding-3-small', input: ['hello world', [1, 2, 3]] }),
    ).toEqual({ promptTokens: 5, excludedParts: 0, maxOutputTokens: 0, choices: 1 });
  });

  it.each([
    [null, 'the request body must be an object with `model`'],
    [{ model: 'gpt-4o' }, 'the request has neither `messages` (chat completions) nor `input`'],
    [
      { model: 'gpt-4o', messages, max_tokens: -1 },
      'request.max_tokens must be a non-negative integer, got -1',
    ],
    [{ model: 'gpt-4.1', input: 42 }, 'Responses `input` must be a string or an array of items'],
    [{ model: 'text-embedding-3-small', input: [{}] }, 'embeddings `input` must be a string'],
  ])('refuses %o', (request, message) => {
    expect(() => estimateRequest(request)).toThrow(message);
  });
});

describe("Anthropic's request estimate", () => {
  const { estimateRequest } = getUsageProvider('anthropic');
  const request = {
    model: 'claude-haiku-4-5',
    max_tokens: 256,
    system: 'You answer in one line.',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        ],
      },
    ],
  };

  it('estimates the prompt with the calibrated model, lists parts it cannot count, and takes max_tokens', () => {
    expect(estimateRequest(request)).toEqual({
      promptTokens: estimateAnthropicPromptTokens({ request }).tokens,
      excludedParts: 1,
      maxOutputTokens: 256,
      choices: 1,
    });
    expect(estimateAnthropicPromptTokens({ request }).tokens).toBeGreaterThan(10);
  });

  it.each([
    [null, 'the request body must be an object with `model` and `messages`'],
    [
      { model: 'claude-haiku-4-5', max_tokens: 10 },
      'an Anthropic Messages request needs `messages`',
    ],
    [{ ...request, max_tokens: 1.5 }, 'request.max_tokens must be a non-negative integer, got 1.5'],
  ])('refuses %o', (body, message) => {
    expect(() => estimateRequest(body)).toThrow(message);
  });
});

describe("Gemini's request estimate", () => {
  const { estimateRequest } = getUsageProvider('google');
  const contents = [{ role: 'user', parts: [{ text: 'What is metering?' }] }];

  it('estimates a generateContent body with its output limit and candidate count', () => {
    const estimate = estimateRequest({
      contents,
      systemInstruction: { parts: [{ text: 'You answer in one line.' }] },
      generationConfig: { maxOutputTokens: 40, candidateCount: 2 },
    });
    expect(estimate).toEqual({
      promptTokens: expect.any(Number),
      excludedParts: 0,
      maxOutputTokens: 40,
      choices: 2,
    });
    expect(estimate.promptTokens).toBeGreaterThan(5);
    expect(estimateRequest({ contents }).maxOutputTokens).toBeUndefined();
  });

  it('lists media it cannot count, and reads the @google/genai SDK form', () => {
    const estimate = estimateRequest({
      model: 'gemini-2.5-flash',
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Describe it.' },
            { inlineData: { mimeType: 'image/png', data: 'AA==' } },
          ],
        },
      ],
      config: { maxOutputTokens: 64 },
    });
    expect(estimate).toMatchObject({ excludedParts: 1, maxOutputTokens: 64, choices: 1 });
  });

  it('estimates embeddings bodies with no output', () => {
    expect(
      estimateRequest({ requests: [{ content: { parts: [{ text: 'hello world' }] } }] }),
    ).toMatchObject({ maxOutputTokens: 0, choices: 1, excludedParts: 0 });
  });

  it.each([
    [null, 'the request body must be an object with `contents`'],
    [{ model: 'gemini-2.5-flash' }, 'the request has neither `contents` (generateContent)'],
    [
      { contents, generationConfig: { maxOutputTokens: -1 } },
      'request.generationConfig.maxOutputTokens must be a non-negative integer, got -1',
    ],
  ])('refuses %o', (request, message) => {
    expect(() => estimateRequest(request)).toThrow(message);
  });
});
