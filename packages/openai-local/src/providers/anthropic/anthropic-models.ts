import { AnthropicError } from './anthropic-error.js';

/**
 * One Claude model openai-local answers: the alias or snapshot a request names, the snapshot
 * that answers (the response's `model`), and the shortest prompt prefix it caches.
 * @see https://docs.anthropic.com/en/docs/about-claude/models/overview
 */
export interface AnthropicModel {
  snapshot: string;
  /** Prompt caching's minimum cacheable prefix, in tokens (shorter prefixes are not cached). */
  minimumCacheTokens: number;
}

const models: Array<[alias: string, snapshot: string, minimumCacheTokens: number]> = [
  ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 1024],
  ['claude-haiku-4-5', 'claude-haiku-4-5-20251001', 4096],
  ['claude-opus-4-1', 'claude-opus-4-1-20250805', 1024],
  ['claude-sonnet-4-0', 'claude-sonnet-4-20250514', 1024],
];

/**
 * The Claude models openai-local answers, by alias and by snapshot.
 * @see https://docs.anthropic.com/en/docs/about-claude/models/overview
 */
export const anthropicModels: ReadonlyMap<string, AnthropicModel> = new Map(
  models.flatMap(([alias, snapshot, minimumCacheTokens]) => [
    [alias, { snapshot, minimumCacheTokens }],
    [snapshot, { snapshot, minimumCacheTokens }],
  ]),
);

/**
 * Looks a requested model up, or throws Anthropic's 404 `not_found_error` (`model: <id>`).
 * @see https://docs.anthropic.com/en/api/errors
 */
export function resolveAnthropicModel(model: unknown): AnthropicModel {
  if (typeof model !== 'string' || model === '') {
    throw new AnthropicError({ status: 400, message: 'model: Field required' });
  }
  const found = anthropicModels.get(model);
  if (found === undefined) {
    throw new AnthropicError({
      status: 404,
      message: `model: ${model} (openai-local answers ${models.map(([alias]) => alias).join(', ')} and their snapshots)`,
    });
  }
  return found;
}
