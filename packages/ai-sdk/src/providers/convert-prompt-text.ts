import type { PromptMessageLike } from '../ai-sdk-types.js';

/**
 * The text of one message of the AI SDK's neutral prompt, as a provider would read it: text
 * and reasoning parts as they are, tool calls and results as their JSON. Used only to estimate
 * a prompt before the provider's own request body is known (the body replaces it as soon as
 * the SDK hands it over); files and images are not counted.
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-core/model-message
 */
export function convertPromptText({ message }: { message: PromptMessageLike }): string {
  if (typeof message.content === 'string') return message.content;
  let text = '';
  for (const part of message.content) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text: partText, input, output } = part as Record<string, unknown>;
    if ((type === 'text' || type === 'reasoning') && typeof partText === 'string') text += partText;
    else if (type === 'tool-call') text += JSON.stringify(input ?? null);
    else if (type === 'tool-result') text += JSON.stringify(output ?? null);
  }
  return text;
}
