import { getTokenizer } from '@llm-meter/meter-core';
import { stableStringify } from '../../generation/stable-stringify.js';

function partText(part: unknown): string {
  if (part === null || typeof part !== 'object') return '';
  const record = part as Record<string, unknown>;
  if (typeof record.text === 'string') return record.text;
  if (record.functionCall !== undefined) return stableStringify(record.functionCall);
  if (record.functionResponse !== undefined) return stableStringify(record.functionResponse);
  return stableStringify(record);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === null || typeof content !== 'object') return '';
  const parts = (content as { parts?: unknown }).parts;
  return Array.isArray(parts) ? parts.map(partText).join('\n') : '';
}

/**
 * Counts a Gemini request's prompt with `o200k_base` (openai-local's stand-in for Gemini's
 * unpublished tokenizer): system instruction, tools and every content's parts, plus the prompt
 * text used as the implicit cache's key. `countTokens` and generateContent count alike.
 * @see https://ai.google.dev/gemini-api/docs/tokens
 */
export function countGeminiPrompt(body: Record<string, unknown>): {
  tokens: number;
  text: string;
} {
  const contents = Array.isArray(body.contents)
    ? body.contents
    : body.contents === undefined
      ? []
      : [body.contents];
  const pieces = [
    body.systemInstruction === undefined ? '' : contentText(body.systemInstruction),
    body.tools === undefined ? '' : stableStringify(body.tools),
    ...contents.map(contentText),
  ].filter((piece) => piece !== '');
  const text = pieces.join('\n');
  return { tokens: getTokenizer('o200k_base').encode(text).length, text };
}
