/**
 * Reduces a model name to the OpenAI base model it names, lowercased: `ft:<base>:<org>::<id>`
 * fine-tunes and legacy `<base>:ft-<org>-<date>` fine-tunes give their base, and a provider prefix
 * such as `openai/` (OpenRouter, LiteLLM) is dropped.
 */
export function baseModelName(model: string): string {
  const withoutFineTune = model.startsWith('ft:') ? model.slice(3) : model;
  const base = withoutFineTune.split(':')[0] ?? '';
  return base.replace(/^openai\//i, '').toLowerCase();
}
