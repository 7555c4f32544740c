import { anthropicAdapter } from './anthropic/anthropic-adapter.js';
import { geminiAdapter } from './gemini/gemini-adapter.js';
import { openAIAdapter } from './openai/openai-adapter.js';
import type { ProviderAdapter } from './provider-adapter.js';

/**
 * The providers the proxy serves, one line each; the first answers paths no provider owns. A
 * provider is its folder `providers/<id>/` and its line here: nothing else imports a provider.
 */
export const providerAdapters: readonly ProviderAdapter[] = [
  openAIAdapter,
  anthropicAdapter,
  geminiAdapter,
];
