/**
 * Thrown when no encoding is known for a model name and the caller did not name one. The message
 * names the model and how to pass an encoding explicitly.
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken/model.py
 */
export class UnknownModelError extends Error {
  override name = 'UnknownModelError' as const;
  readonly model: string;

  constructor(model: string, options?: { cause?: unknown }) {
    super(
      `No token encoding is known for model ${JSON.stringify(model)}: pass one explicitly, e.g. { encoding: 'o200k_base' } (gpt-4o and later) or { encoding: 'cl100k_base' } (gpt-4, gpt-3.5-turbo).`,
      options,
    );
    this.model = model;
  }
}
