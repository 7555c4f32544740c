import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createPromptCache, defaultPromptCacheSize } from '../generation/create-prompt-cache.js';
import { createUsageLedger } from '../ledger/create-usage-ledger.js';
import { createAnthropicPromptCache } from '../providers/anthropic/create-anthropic-prompt-cache.js';
import { createReplayStore, type ReplayStore } from '../replay/create-replay-store.js';
import { createIdGenerator } from './create-id-generator.js';
import { createOpenAILocalApp } from './create-openai-local-app.js';
import type { OpenAILocalOptions, OpenAILocalServer } from './openai-local-options.js';

/**
 * Starts a local server that speaks OpenAI's wire protocol (chat completions, responses,
 * embeddings, models, retrieval, and the organisation Usage and Costs APIs), Anthropic's
 * Messages API (with its Admin usage and cost reports) and Gemini's generateContent, with deterministic
 * generated answers, replay of recorded exchanges and fault injection, for development and tests
 * without an OpenAI key. It is a simulator, not a model.
 * @see https://platform.openai.com/docs/api-reference/introduction
 */
export async function startOpenAILocal(
  options: OpenAILocalOptions = {},
): Promise<OpenAILocalServer> {
  const { host = '127.0.0.1', port = 0, seed = 0, logger } = options;
  if (
    options.bodyLimitBytes !== undefined &&
    !(Number.isInteger(options.bodyLimitBytes) && options.bodyLimitBytes > 0)
  ) {
    throw new RangeError(
      `Invalid bodyLimitBytes ${options.bodyLimitBytes}: pass a positive whole number of bytes.`,
    );
  }
  const replayPaths =
    options.replay === undefined
      ? []
      : typeof options.replay === 'string'
        ? [options.replay]
        : [...options.replay];
  const replay: ReplayStore | undefined =
    replayPaths.length > 0 ? createReplayStore(replayPaths) : undefined;
  const openRequests = new Set<AbortController>();
  const app = createOpenAILocalApp({
    options,
    createId: createIdGenerator({ seed }),
    promptCache: createPromptCache({ maxPrefixes: options.promptCacheSize }),
    anthropicPromptCache: createAnthropicPromptCache({
      maxPrefixes: options.promptCacheSize ?? defaultPromptCacheSize,
    }),
    replay,
    ledger: createUsageLedger({ dataDir: options.dataDir, logger }),
    openRequests,
    now: options.now ?? (() => new Date()),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    origin: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () => {
      // Idempotent: test teardown and signal handlers may both close.
      closing ??= new Promise<void>((resolve, reject) => {
        for (const controller of openRequests) controller.abort();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
