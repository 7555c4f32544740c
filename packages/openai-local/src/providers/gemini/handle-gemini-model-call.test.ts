import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BilledRequest } from '../../ledger/billed-request.js';
import { usageLedgerFileName } from '../../ledger/create-usage-ledger.js';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let dataDir: string;
let server: OpenAILocalServer;
let client: GoogleGenAI;
let baseUrl: string;

const billed = (): BilledRequest[] =>
  readFileSync(join(dataDir, usageLedgerFileName), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as BilledRequest);
const billedFor = (id: string | undefined) => billed().find((entry) => entry.id === id);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'openai-local-gemini-'));
  server = await startOpenAILocal({
    dataDir,
    now: () => new Date('2026-12-07T10:00:00.000Z'),
  });
  baseUrl = server.url.replace(/\/v1$/, '');
  client = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Gemini generateContent with @google/genai', () => {
  it('answers a blocking call with real-shaped usageMetadata and bills exactly it', async () => {
    const response = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Hello there',
    });
    expect(response.responseId).toMatch(/^[A-Za-z0-9]{23}$/);
    expect(response.modelVersion).toBe('gemini-2.5-flash');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    const usage = response.usageMetadata;
    const prompt = usage?.promptTokenCount ?? 0;
    const candidates = usage?.candidatesTokenCount ?? 0;
    const thoughts = usage?.thoughtsTokenCount ?? 0;
    expect(thoughts).toBeGreaterThan(0);
    expect(usage?.totalTokenCount).toBe(prompt + candidates + thoughts);
    // Zero counts are left out, as Google's proto3 JSON does.
    expect(usage).not.toHaveProperty('cachedContentTokenCount');
    expect(billedFor(response.responseId)).toMatchObject({
      provider: 'gemini',
      endpoint: 'generateContent',
      model: 'gemini-2.5-flash',
      outcome: 'completed',
      input_tokens: prompt,
      input_cached_tokens: 0,
      output_tokens: candidates + thoughts,
      reasoning_tokens: thoughts,
    });
    const counted = await client.models.countTokens({
      model: 'gemini-2.5-flash',
      contents: 'Hello there',
    });
    expect(counted.totalTokens).toBe(prompt);
  });

  it('streams over SSE with cumulative usage; the last chunk has the blocking numbers', async () => {
    const request = { model: 'gemini-2.5-pro', contents: 'Explain metering in detail.' };
    const blocking = await client.models.generateContent(request);
    const chunks = [];
    for await (const chunk of await client.models.generateContentStream(request))
      chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(blocking.text);
    const last = chunks.at(-1);
    expect(last?.usageMetadata).toEqual(blocking.usageMetadata);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBeUndefined();
    const counts = chunks.map((chunk) => chunk.usageMetadata?.candidatesTokenCount ?? 0);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const id = last?.responseId;
    expect(new Set(chunks.map((chunk) => chunk.responseId))).toEqual(new Set([id]));
    await expect.poll(() => billedFor(id)?.outcome).toBe('completed');
    expect(billedFor(id)?.output_tokens).toBe(
      (blocking.usageMetadata?.candidatesTokenCount ?? 0) +
        (blocking.usageMetadata?.thoughtsTokenCount ?? 0),
    );
  });

  it('streams a JSON array without alt=sse, with the same chunks', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'Explain metering in detail.' }] }] };
    const url = `${baseUrl}/v1beta/models/gemini-2.5-pro:streamGenerateContent`;
    const sse = await fetch(`${url}?alt=sse&key=k`, { method: 'POST', body: JSON.stringify(body) });
    const sseChunks = (await sse.text())
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>);
    const array = await fetch(url, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k' },
      body: JSON.stringify(body),
    });
    expect(array.headers.get('content-type')).toMatch(/^application\/json/);
    const arrayChunks = (await array.json()) as Array<Record<string, unknown>>;
    const strip = (chunks: Array<Record<string, unknown>>) =>
      chunks.map(({ responseId: _id, ...rest }) => rest);
    expect(strip(arrayChunks)).toEqual(strip(sseChunks));
  });

  it('bills an aborted stream its prompt, its thinking and the candidates sent', async () => {
    const controller = new AbortController();
    const stream = await client.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'A long answer, please.',
      config: {
        abortSignal: controller.signal,
        httpOptions: { headers: { 'x-openai-local-fault': 'stall-after=1' } },
      },
    });
    let id: string | undefined;
    let sentCandidates = 0;
    let prompt = 0;
    let thoughts = 0;
    try {
      for await (const chunk of stream) {
        id = chunk.responseId;
        sentCandidates = chunk.usageMetadata?.candidatesTokenCount ?? 0;
        prompt = chunk.usageMetadata?.promptTokenCount ?? 0;
        thoughts = chunk.usageMetadata?.thoughtsTokenCount ?? 0;
        controller.abort();
      }
    } catch (error) {
      // The SDK raises the abort: expected.
      expect(String(error)).toMatch(/abort/i);
    }
    await expect.poll(() => billedFor(id)?.outcome).toBe('aborted');
    expect(billedFor(id)).toMatchObject({
      input_tokens: prompt,
      output_tokens: sentCandidates + thoughts,
      reasoning_tokens: thoughts,
    });
  });

  it('reports an implicit cache hit on a repeated long prompt, inside promptTokenCount', async () => {
    const long = Array.from({ length: 300 }, (_, index) => `Fact ${index}: tokens are money.`).join(
      ' ',
    );
    const first = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: long,
    });
    expect(first.usageMetadata?.cachedContentTokenCount).toBeUndefined();
    const second = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: long,
    });
    const cached = second.usageMetadata?.cachedContentTokenCount ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached).toBeLessThanOrEqual(second.usageMetadata?.promptTokenCount ?? 0);
    expect(second.usageMetadata?.cacheTokensDetails).toEqual([
      { modality: 'TEXT', tokenCount: cached },
    ]);
    expect(billedFor(second.responseId)).toMatchObject({
      input_tokens: second.usageMetadata?.promptTokenCount,
      input_cached_tokens: cached,
    });
  });

  it('thinks as the model and thinkingConfig say', async () => {
    const off = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Hi',
      config: { thinkingConfig: { thinkingBudget: 0 } },
    });
    expect(off.usageMetadata).not.toHaveProperty('thoughtsTokenCount');
    const summarized = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Hi',
      config: { thinkingConfig: { thinkingBudget: 256, includeThoughts: true } },
    });
    expect(summarized.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);
    expect(summarized.usageMetadata?.thoughtsTokenCount).toBeLessThanOrEqual(256);
    expect(summarized.candidates?.[0]?.content?.parts?.[0]?.thought).toBe(true);
    const never = await client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'Hi',
    });
    expect(never.usageMetadata).not.toHaveProperty('thoughtsTokenCount');
  });

  it("refuses in Google's error shape", async () => {
    const unknown = client.models.generateContent({ model: 'gemini-unknown', contents: 'Hi' });
    await expect(unknown).rejects.toBeInstanceOf(ApiError);
    await expect(unknown).rejects.toMatchObject({ status: 404 });
    const response = await fetch(`${baseUrl}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: 403, message: expect.any(String), status: 'PERMISSION_DENIED' },
    });
  });
});
