import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { expectTypeOf, it } from 'vitest';
import type { ChatPromptRequest } from './count-chat-prompt-tokens.js';

it('accepts the request body type of the openai SDK', () => {
  expectTypeOf<ChatCompletionCreateParams>().toExtend<ChatPromptRequest>();
});
