import { GoogleGenAI } from '@google/genai';
import type { OutboxEvent } from '@llm-meter/meter-outbox';
import { startOpenAILocal } from '@llm-meter/openai-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterGeminiStreamIntoOutbox } from './meter-gemini-stream-into-outbox.js';
import { openMemoryOutbox } from './testing/open-memory-outbox.js';

let gemini: GoogleGenAI;
let close: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const local = await startOpenAILocal({ tokensPerSecond: 0 });
  gemini = new GoogleGenAI({ apiKey: 'openai-local', httpOptions: { baseUrl: local.origin } });
  close = () => local.close();
});
afterAll(() => close());

const request = {
  model: 'gemini-2.5-flash',
  contents: 'Explain streaming responses and why their usage arrives last.',
  // Room for the simulated thinking (about 670 tokens) and a few chunks of answer after it.
  config: { maxOutputTokens: 1500 },
};
const options = { subject: 'customer-acme', now: () => new Date('2026-12-07T12:00:00.000Z') };

describe('meterGeminiStreamIntoOutbox, with @google/genai against openai-local', () => {
  it("delivers one event with the last chunk's usageMetadata, under the responseId", async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    const stream = await gemini.models.generateContentStream(request);
    let last: Awaited<ReturnType<typeof stream.next>>['value'];
    for await (const chunk of meterGeminiStreamIntoOutbox({ stream, request, outbox, options })) {
      last = chunk;
    }
    await outbox.flush();
    await outbox.close();
    expect(delivered).toHaveLength(1);
    const event = delivered[0] as OutboxEvent;
    const usage = last?.usageMetadata;
    expect(event.id).toBe(last?.responseId);
    const output = (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0);
    expect(event.data).toMatchObject({
      provider: 'google',
      usage_source: 'provider',
      requested_model: 'gemini-2.5-flash',
      prompt_tokens: usage?.promptTokenCount,
      completion_tokens: output,
      total_tokens: usage?.totalTokenCount,
    });
  });

  it("an aborted stream is one estimate, never below the last chunk's cumulative counts", async () => {
    const { outbox, delivered } = await openMemoryOutbox();
    const controller = new AbortController();
    const stream = await gemini.models.generateContentStream({
      ...request,
      config: { ...request.config, abortSignal: controller.signal },
    });
    let chunks = 0;
    let responseId: string | undefined;
    let seen: { candidatesTokenCount?: number; thoughtsTokenCount?: number } | undefined;
    for await (const chunk of meterGeminiStreamIntoOutbox({
      stream,
      request,
      outbox,
      signal: controller.signal,
      options,
    })) {
      responseId = chunk.responseId;
      seen = chunk.usageMetadata;
      if (++chunks === 2) {
        controller.abort();
        break;
      }
    }
    await outbox.flush();
    await outbox.close();
    expect(delivered).toHaveLength(1);
    const event = delivered[0] as OutboxEvent;
    expect(event.id).toBe(responseId);
    const data = event.data as Record<string, unknown>;
    expect(data).toMatchObject({ usage_source: 'estimated', estimate_reason: 'aborted' });
    expect(Number(data.prompt_tokens)).toBeGreaterThan(0);
    // Gemini's counts so far are cumulative (thoughts included): a floor for the estimate.
    const floor = (seen?.candidatesTokenCount ?? 0) + (seen?.thoughtsTokenCount ?? 0);
    expect(floor).toBeGreaterThan(0);
    expect(Number(data.completion_tokens)).toBeGreaterThanOrEqual(floor);
  });
});
