import * as fs from 'node:fs';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import { type OpenAILocalServer, startOpenAILocal } from '@llm-meter/openai-local';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openDyingOutbox } from './journal-outbox.js';

/**
 * The journal tests' set-up, registered in the calling test file: openai-local (unpaced) with an
 * OpenAI client on it for the whole file, and dying outboxes (directories named with `prefix`)
 * removed after each test.
 */
export function useJournalTestBed({ prefix }: { prefix: string }): {
  /** The OpenAI client on openai-local (once `beforeAll` ran). */
  openai(): OpenAI;
  openDyingOutbox(): Promise<{ dir: string; outbox: UsageOutbox }>;
} {
  let server: OpenAILocalServer | undefined;
  let openai: OpenAI | undefined;
  beforeAll(async () => {
    server = await startOpenAILocal({ tokensPerSecond: 0 });
    openai = new OpenAI({ apiKey: 'openai-local', baseURL: server.url, maxRetries: 0 });
  });
  afterAll(() => server?.close());
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0))
      fs.rmSync(directory, { recursive: true, force: true });
  });
  return {
    openai: () => openai as OpenAI,
    openDyingOutbox: () => openDyingOutbox({ prefix, directories }),
  };
}
