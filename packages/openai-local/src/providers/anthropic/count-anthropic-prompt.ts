import { getTokenizer } from '@llm-meter/meter-core';
import { stableStringify } from '../../generation/stable-stringify.js';

/**
 * A cache breakpoint's lifetime, from `cache_control.ttl`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
export type CacheLifetime = '5m' | '1h';

/**
 * One part of a prompt in the order Anthropic caches it (tools, system, then messages): its
 * tokens, what it says (for the cache key) and the breakpoint it ends with, if any.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#how-prompt-caching-works
 */
export interface PromptUnit {
  tokens: number;
  content: string;
  breakpoint: CacheLifetime | undefined;
}

// Tokens of the framing around each message and around the whole prompt: openai-local's own
// approximation (Anthropic publishes no tokenizer), the same for `count_tokens` and messages.
const promptFraming = 4;
const messageFraming = 3;

function lifetimeOf(block: unknown): CacheLifetime | undefined {
  if (block === null || typeof block !== 'object') return undefined;
  const control = (block as { cache_control?: unknown }).cache_control;
  if (control === null || typeof control !== 'object') return undefined;
  return (control as { ttl?: unknown }).ttl === '1h' ? '1h' : '5m';
}

function withoutCacheControl(block: unknown): unknown {
  if (block === null || typeof block !== 'object' || Array.isArray(block)) return block;
  const { cache_control: _ignored, ...rest } = block as Record<string, unknown>;
  return rest;
}

function textOf(block: unknown): string {
  if (typeof block === 'string') return block;
  if (block === null || typeof block !== 'object') return '';
  const record = block as Record<string, unknown>;
  if (typeof record.text === 'string') return record.text;
  if (typeof record.thinking === 'string') return record.thinking;
  if (record.type === 'tool_use')
    return `${String(record.name)} ${stableStringify(record.input ?? {})}`;
  if (record.type === 'tool_result') {
    const content = record.content;
    return Array.isArray(content) ? content.map(textOf).join('\n') : textOf(content);
  }
  return stableStringify(withoutCacheControl(block));
}

/**
 * Splits a Messages request's prompt into {@link PromptUnit}s and counts it with `o200k_base`
 * (openai-local's stand-in for Anthropic's unpublished tokenizer): tools, system blocks, then
 * each message's blocks, with a few framing tokens per message. `cache_control` on a block ends
 * a cache breakpoint there; a top-level `cache_control` (automatic caching) puts one on the last
 * block. `count_tokens` and messages count the same prompt the same.
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */
export function countAnthropicPrompt(body: Record<string, unknown>): {
  totalTokens: number;
  units: PromptUnit[];
} {
  const tokenizer = getTokenizer('o200k_base');
  const units: PromptUnit[] = [];
  const add = ({ block, text, framing }: { block: unknown; text: string; framing: number }) =>
    units.push({
      tokens: tokenizer.encode(text).length + framing,
      content: stableStringify(withoutCacheControl(block)),
      breakpoint: lifetimeOf(block),
    });
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools)
      add({ block: tool, text: stableStringify(withoutCacheControl(tool)), framing: 0 });
  }
  if (typeof body.system === 'string') add({ block: body.system, text: body.system, framing: 0 });
  else if (Array.isArray(body.system)) {
    for (const block of body.system) add({ block, text: textOf(block), framing: 0 });
  }
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      const record = (message ?? {}) as Record<string, unknown>;
      const blocks =
        typeof record.content === 'string'
          ? [record.content]
          : Array.isArray(record.content)
            ? record.content
            : [];
      for (const [index, block] of blocks.entries()) {
        add({ block, text: textOf(block), framing: index === 0 ? messageFraming : 0 });
      }
      if (blocks.length === 0)
        units.push({ tokens: messageFraming, content: '', breakpoint: undefined });
    }
  }
  const last = units.at(-1);
  if (body.cache_control !== undefined && last !== undefined && last.breakpoint === undefined) {
    last.breakpoint = lifetimeOf(body) ?? '5m';
  }
  const totalTokens = units.reduce((sum, unit) => sum + unit.tokens, promptFraming);
  return { totalTokens, units };
}
