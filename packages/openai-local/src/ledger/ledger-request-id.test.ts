import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from '../server/openai-local-options.js';
import { startOpenAILocal } from '../server/start-openai-local.js';
import type { BilledRequest } from './billed-request.js';
import { usageLedgerFileName } from './create-usage-ledger.js';

let dataDir: string;
let server: OpenAILocalServer;
let client: OpenAI;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'openai-local-request-id-'));
  server = await startOpenAILocal({ dataDir });
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const readLedger = (): BilledRequest[] =>
  readFileSync(join(dataDir, usageLedgerFileName), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as BilledRequest);

describe('the usage ledger', () => {
  it('records the x-request-id of every billed request beside its response id', async () => {
    const chat = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] })
      .withResponse();
    const stream = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    let streamId: string | undefined;
    for await (const chunk of stream.data) streamId ??= chunk.id;
    const response = await client.responses
      .create({ model: 'gpt-4.1-mini', input: 'Hello' })
      .withResponse();
    const embedding = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'Hello' })
      .withResponse();

    expect(readLedger().map(({ id, request_id }) => ({ id, request_id }))).toEqual([
      { id: chat.data.id, request_id: chat.request_id },
      { id: streamId, request_id: stream.request_id },
      { id: response.data.id, request_id: response.request_id },
      // An embedding has no response id: upstream bills it under its request id.
      { id: embedding.request_id, request_id: embedding.request_id },
    ]);
    expect(chat.request_id).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
