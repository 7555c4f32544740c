import { getTokenizer } from '@llm-meter/meter-core';
import type { ResolvedModel } from '../server/request-context.js';
import type { PromptCache } from './create-prompt-cache.js';

/**
 * Returns `cached_tokens` for a prompt: the prefix (1,024 + k·128 tokens) already seen by this
 * server for the same model, never more than the prompt itself. `promptText` must serialize the
 * prompt in order (tools, then messages) so a longer conversation shares its prefix.
 */
export function countCachedTokens({
  promptCache,
  model,
  promptText,
  promptTokens,
}: {
  promptCache: PromptCache;
  model: ResolvedModel;
  promptText: string;
  promptTokens: number;
}): number {
  // Short prompts are never cached; skip encoding them twice.
  if (promptTokens < 1024) return 0;
  const tokens = getTokenizer(model.encoding).encode(promptText);
  const cached = promptCache.lookupAndStore({ model: model.snapshot, tokens });
  return Math.min(cached, Math.floor(promptTokens / 128) * 128);
}
