import { describe, expect, it } from 'vitest';
import { encodingForModel } from './encoding-for-model.js';
import { UnknownModelError } from './unknown-model-error.js';

describe('encodingForModel', () => {
  it.each([
    { given: 'gpt-4o', want: 'o200k_base' },
    { given: 'gpt-4o-2024-08-06', want: 'o200k_base' },
    { given: 'gpt-4o-mini-2024-07-18', want: 'o200k_base' },
    { given: 'chatgpt-4o-latest', want: 'o200k_base' },
    { given: 'gpt-4o-audio-preview-2024-12-17', want: 'o200k_base' },
    { given: 'gpt-4.1-nano-2025-04-14', want: 'o200k_base' },
    { given: 'gpt-4.5-preview', want: 'o200k_base' },
    { given: 'gpt-5', want: 'o200k_base' },
    { given: 'gpt-5-mini-2025-08-07', want: 'o200k_base' },
    { given: 'gpt-5.4-mini-2026-03-17', want: 'o200k_base' },
    { given: 'gpt-audio-mini', want: 'o200k_base' },
    { given: 'o1', want: 'o200k_base' },
    { given: 'o1-mini-2024-09-12', want: 'o200k_base' },
    { given: 'o3-mini', want: 'o200k_base' },
    { given: 'o4-mini-2025-04-16', want: 'o200k_base' },
    { given: 'ft:gpt-4o-mini-2024-07-18:org::id', want: 'o200k_base' },
    { given: 'openai/gpt-4o', want: 'o200k_base' },
    { given: 'gpt-4', want: 'cl100k_base' },
    { given: 'gpt-4-0613', want: 'cl100k_base' },
    { given: 'gpt-4-turbo-2024-04-09', want: 'cl100k_base' },
    { given: 'gpt-4-1106-vision-preview', want: 'cl100k_base' },
    { given: 'gpt-3.5-turbo-0125', want: 'cl100k_base' },
    { given: 'gpt-35-turbo', want: 'cl100k_base' },
    { given: 'ft:gpt-3.5-turbo-0613:org:suffix:id', want: 'cl100k_base' },
    { given: 'text-embedding-3-small', want: 'cl100k_base' },
    { given: 'davinci-002', want: 'cl100k_base' },
    { given: 'text-davinci-003', want: 'p50k_base' },
    { given: 'code-davinci-002', want: 'p50k_base' },
    { given: 'text-davinci-001', want: 'r50k_base' },
    { given: 'davinci', want: 'r50k_base' },
    { given: 'curie:ft-org-2023-01-01', want: 'r50k_base' },
  ])('maps $given to $want', ({ given, want }) => {
    expect(encodingForModel(given)).toBe(want);
  });

  it.each(['claude-3', 'gpt-40', 'o10', 'llama-3', ''])('refuses unknown model %j', (model) => {
    expect(() => encodingForModel(model)).toThrow(UnknownModelError);
  });

  it('names the model and the way out in the error', () => {
    expect(() => encodingForModel('llama-3')).toThrowErrorMatchingInlineSnapshot(
      `[UnknownModelError: No token encoding is known for model "llama-3": pass one explicitly, e.g. { encoding: 'o200k_base' } (gpt-4o and later) or { encoding: 'cl100k_base' } (gpt-4, gpt-3.5-turbo).]`,
    );
  });
});
