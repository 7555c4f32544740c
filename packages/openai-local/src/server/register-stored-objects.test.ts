import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAILocalServer } from './openai-local-options.js';
import { startOpenAILocal } from './start-openai-local.js';

let server: OpenAILocalServer;
beforeAll(async () => {
  server = await startOpenAILocal();
});
afterAll(async () => {
  await server?.close();
});

describe('stored objects', () => {
  it("creates, retrieves and deletes OpenAI's conversations", async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
    const conversation = await client.conversations.create({ metadata: { topic: 'tides' } });
    expect(conversation).toMatchObject({ object: 'conversation', metadata: { topic: 'tides' } });
    expect((await client.conversations.retrieve(conversation.id)).id).toBe(conversation.id);
    expect(await client.conversations.delete(conversation.id)).toMatchObject({ deleted: true });
    await expect(client.conversations.retrieve(conversation.id)).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it("creates, gets, lists and deletes Gemini's cached contents", async () => {
    const client = new GoogleGenAI({
      apiKey: 'gemini-test',
      httpOptions: { baseUrl: server.origin, apiVersion: 'v1beta' },
    });
    const cache = await client.caches.create({
      model: 'gemini-2.0-flash',
      config: { contents: [{ role: 'user', parts: [{ text: 'A manual.' }] }] },
    });
    const name = cache.name as string;
    expect(name).toMatch(/^cachedContents\/[0-9a-f]{16}$/);
    expect((await client.caches.get({ name })).name).toBe(name);
    expect((await client.caches.list()).page.map((listed) => listed.name)).toContain(name);
    await client.caches.delete({ name });
    const error = await client.caches.get({ name }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
  });
});
