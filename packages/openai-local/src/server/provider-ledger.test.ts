import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEventStream } from '../__fixtures__/post-event-stream.js';
import type { BilledRequest } from '../ledger/billed-request.js';
import { usageLedgerFileName } from '../ledger/create-usage-ledger.js';
import type { OpenAILocalServer } from './openai-local-options.js';
import { startOpenAILocal } from './start-openai-local.js';

// Faults and restarts act on Anthropic's and Gemini's answers as on OpenAI's.
const adminKey = 'sk-ant-admin01-ledger-test';
const clock = new Date('2026-12-07T10:00:00.000Z');
let dataDir: string;
let server: OpenAILocalServer;

const billed = (): BilledRequest[] =>
  readFileSync(join(dataDir, usageLedgerFileName), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as BilledRequest);
const start = () => startOpenAILocal({ dataDir, adminKey, now: () => clock });
const usageReport = async () => {
  const response = await fetch(
    `${server.url}/organizations/usage_report/messages?starting_at=2026-12-07T00:00:00Z&ending_at=2026-12-08T00:00:00Z`,
    { headers: { 'x-api-key': adminKey, 'anthropic-version': '2023-06-01' } },
  );
  return (await response.json()) as { data: Array<{ results: Array<Record<string, unknown>> }> };
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'openai-local-providers-'));
  server = await start();
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Anthropic and Gemini in the usage ledger', () => {
  it('bills a stream the server drops as failed, with the output sent before the drop', async () => {
    const anthropic = await postEventStream({
      url: `${server.url}/messages`,
      body: {
        model: 'claude-sonnet-4-5',
        max_tokens: 300,
        stream: true,
        messages: [{ role: 'user', content: 'Drop me.' }],
      },
      // message_start, content_block_start, ping and two deltas, then the connection closes.
      headers: { 'anthropic-version': '2023-06-01', 'x-openai-local-fault': 'drop-after=5' },
    });
    expect(anthropic.complete).toBe(false);
    expect(anthropic.events).toHaveLength(5);
    const messageId = (anthropic.events[0] as { message: { id: string } }).message.id;
    await expect
      .poll(() => billed().find((entry) => entry.id === messageId)?.outcome)
      .toBe('failed');
    expect(billed().find((entry) => entry.id === messageId)?.output_tokens).toBe(2);

    const gemini = await postEventStream({
      url: `${server.url.replace(/\/v1$/, '')}/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse`,
      body: { contents: [{ parts: [{ text: 'A long answer, please.' }] }] },
      headers: { 'x-goog-api-key': 'test', 'x-openai-local-fault': 'drop-after=1' },
    });
    expect(gemini.events).toHaveLength(1);
    const chunk = gemini.events[0] as {
      responseId: string;
      usageMetadata: { promptTokenCount: number; candidatesTokenCount: number };
    };
    await expect
      .poll(() => billed().find((entry) => entry.id === chunk.responseId)?.outcome)
      .toBe('failed');
    expect(billed().find((entry) => entry.id === chunk.responseId)).toMatchObject({
      input_tokens: chunk.usageMetadata.promptTokenCount,
      output_tokens: chunk.usageMetadata.candidatesTokenCount,
    });
  });

  it('bills nothing for an injected error, and keeps every bill across a restart', async () => {
    const baseURL = server.url.replace(/\/v1$/, '');
    const anthropic = new Anthropic({ apiKey: 'test', baseURL, maxRetries: 0 });
    const google = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: baseURL } });
    const before = billed().length;
    await expect(
      anthropic.messages.create(
        { model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-openai-local-fault': '529' } },
      ),
    ).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    await expect(
      google.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'x',
        config: { httpOptions: { headers: { 'x-openai-local-fault': '503' } } },
      }),
    ).rejects.toMatchObject({ status: 503 });
    expect(billed()).toHaveLength(before);

    const message = await anthropic.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Kept?' }],
    });
    const reportBefore = await usageReport();
    await server.close();
    server = await start();
    expect(await usageReport()).toEqual(reportBefore);
    expect(billed().find((entry) => entry.id === message.id)).toMatchObject({
      provider: 'anthropic',
      output_tokens: message.usage.output_tokens,
    });
  });
});
