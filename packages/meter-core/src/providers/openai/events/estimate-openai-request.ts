import type { RequestEstimate } from '../../usage-provider.js';
import {
  type ChatPromptRequest,
  countChatPromptTokens,
} from '../count/count-chat-prompt-tokens.js';
import { countResponsesPromptTokens } from '../count/count-responses-prompt-tokens.js';
import type { ResponsesPromptRequest } from './convert-responses-request.js';
import { estimateEmbeddingsTokens } from './estimate-response-tokens.js';
import type { EmbeddingsPromptRequest } from './response-types.js';

// A request that names no model is counted with a current model's encoding (o200k_base).
const fallbackModel = 'gpt-4o';

/**
 * Estimates an OpenAI request before it is sent, from its shape: `messages` is a chat
 * completion (output limit `max_completion_tokens` or `max_tokens`, times `n`), `input` with an
 * embedding model is embeddings (no output), any other `input` is a Responses request (output
 * limit `max_output_tokens`). The prompt is counted the way estimates of streams count it.
 */
export function estimateOpenAIRequest({ request }: { request: unknown }): RequestEstimate {
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    throw new TypeError('the request body must be an object with `model`');
  }
  const body = request as Record<string, unknown>;
  const model = typeof body.model === 'string' && body.model ? body.model : fallbackModel;
  const choices = outputLimit(body.n, 'n') ?? 1;
  if (Array.isArray(body.messages)) {
    const counted = countChatPromptTokens({ ...body, model } as unknown as ChatPromptRequest);
    return {
      promptTokens: counted.tokens,
      excludedParts: counted.excluded.length,
      maxOutputTokens:
        outputLimit(body.max_completion_tokens, 'max_completion_tokens') ??
        outputLimit(body.max_tokens, 'max_tokens'),
      choices: Math.max(1, choices),
    };
  }
  if (body.input === undefined || body.input === null) {
    throw new TypeError(
      'the request has neither `messages` (chat completions) nor `input` (Responses, embeddings)',
    );
  }
  if (model.includes('embedding')) {
    const input = body.input;
    const valid =
      typeof input === 'string' ||
      (Array.isArray(input) &&
        input.every(
          (item) => typeof item === 'string' || typeof item === 'number' || Array.isArray(item),
        ));
    if (!valid) {
      throw new TypeError(
        'embeddings `input` must be a string, or an array of strings or token arrays',
      );
    }
    const usage = estimateEmbeddingsTokens({
      request: body as EmbeddingsPromptRequest,
      model,
    });
    return { promptTokens: usage.prompt_tokens, excludedParts: 0, maxOutputTokens: 0, choices: 1 };
  }
  if (typeof body.input !== 'string' && !Array.isArray(body.input)) {
    throw new TypeError('Responses `input` must be a string or an array of items');
  }
  const counted = countResponsesPromptTokens({ ...(body as ResponsesPromptRequest), model });
  return {
    promptTokens: counted.tokens,
    excludedParts: counted.excluded.length,
    maxOutputTokens: outputLimit(body.max_output_tokens, 'max_output_tokens'),
    choices: 1,
  };
}

function outputLimit(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(
      `request.${field} must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
