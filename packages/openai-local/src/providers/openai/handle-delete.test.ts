import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageLedgerFileName } from '../../ledger/create-usage-ledger.js';
import type { OpenAILocalServer } from '../../server/openai-local-options.js';
import { startOpenAILocal } from '../../server/start-openai-local.js';

let dataDir: string;
let server: OpenAILocalServer;
let client: OpenAI;
const clock = new Date('2026-12-07T10:00:00.000Z');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'openai-local-delete-'));
  server = await startOpenAILocal({ dataDir, now: () => clock });
  client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DELETE of stored objects', () => {
  it('deletes a response and a stored chat completion for good, and keeps what they billed', async () => {
    const response = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Hello' });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello' }],
      store: true,
    });
    expect(await client.responses.delete(response.id)).toEqual({
      id: response.id,
      object: 'response',
      deleted: true,
    });
    expect(await client.chat.completions.delete(completion.id)).toEqual({
      object: 'chat.completion.deleted',
      id: completion.id,
      deleted: true,
    });
    await expect(client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.chat.completions.retrieve(completion.id)).rejects.toMatchObject({
      status: 404,
    });
    // A second delete finds nothing, as on OpenAI.
    await expect(client.chat.completions.delete(completion.id)).rejects.toMatchObject({
      status: 404,
    });

    // After a restart on the same data directory: still deleted, still billed.
    await server.close();
    server = await startOpenAILocal({ dataDir, now: () => clock });
    client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
    await expect(client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.chat.completions.retrieve(completion.id)).rejects.toMatchObject({
      status: 404,
    });
    const billed = readFileSync(join(dataDir, usageLedgerFileName), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"input_tokens"'))
      .map((line) => JSON.parse(line).id);
    expect(billed).toEqual([response.id, completion.id]);
  });
});
