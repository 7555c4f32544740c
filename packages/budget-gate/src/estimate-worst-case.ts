import {
  type ChatPromptMessage,
  countChatPromptTokens,
  encodingForModel,
  getTokenizer,
} from '@llm-meter/meter-core';

/** The request fields the worst case reads: chat completions, Responses or embeddings. */
export interface BudgetRequest {
  model?: string | null | undefined;
  messages?: ReadonlyArray<ChatPromptMessage> | null | undefined;
  input?: unknown;
  instructions?: string | null | undefined;
  max_completion_tokens?: number | null | undefined;
  max_tokens?: number | null | undefined;
  max_output_tokens?: number | null | undefined;
  n?: number | null | undefined;
  [field: string]: unknown;
}

/**
 * The most tokens a call can bill: its prompt, counted as OpenAI counts it, plus the output
 * limit it asked for (`max_completion_tokens`, `max_tokens` or `max_output_tokens`, times `n`
 * choices), or `defaultMaxOutputTokens` when it set none. Embeddings have no output.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_completion_tokens
 */
export function estimateWorstCase({
  request,
  defaultMaxOutputTokens,
  excludedPartTokens,
}: {
  request: BudgetRequest;
  defaultMaxOutputTokens: number;
  /** Booked for each part whose tokens cannot be counted (an image by URL, audio, a file). */
  excludedPartTokens: number;
}): number {
  if (!request || typeof request !== 'object') {
    throw new TypeError('estimateWorstCase needs the request body (an object with `model`)');
  }
  const model = typeof request.model === 'string' && request.model ? request.model : 'gpt-4o';
  const outputLimit = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new TypeError(
        `request.${field} must be a non-negative integer, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  const choices = outputLimit(request.n, 'n') ?? 1;
  if (Array.isArray(request.messages)) {
    const counted = countChatPromptTokens(request as Parameters<typeof countChatPromptTokens>[0]);
    const prompt = counted.tokens + counted.excluded.length * excludedPartTokens;
    const output =
      outputLimit(request.max_completion_tokens, 'max_completion_tokens') ??
      outputLimit(request.max_tokens, 'max_tokens') ??
      defaultMaxOutputTokens;
    return prompt + output * Math.max(1, choices);
  }
  if (request.input === undefined || request.input === null) {
    throw new TypeError(
      'the request has neither `messages` (chat completions) nor `input` (Responses, embeddings)',
    );
  }
  const count = (text: string) => getTokenizer(encodingOf(model)).count(text);
  if (isEmbeddingsModel(model)) return countEmbeddingsInput(request.input, count);
  const output =
    outputLimit(request.max_output_tokens, 'max_output_tokens') ?? defaultMaxOutputTokens;
  return countResponsesInput({ request, model, count, excludedPartTokens }) + output;
}

function encodingOf(model: string) {
  try {
    return encodingForModel(model);
  } catch {
    return 'o200k_base' as const;
  }
}

function isEmbeddingsModel(model: string): boolean {
  return model.includes('embedding');
}

function countEmbeddingsInput(input: unknown, count: (text: string) => number): number {
  if (typeof input === 'string') return count(input);
  if (!Array.isArray(input)) throw new TypeError('embeddings `input` must be a string or an array');
  let tokens = 0;
  for (const item of input) {
    if (typeof item === 'string') tokens += count(item);
    else if (typeof item === 'number') tokens += 1;
    else if (Array.isArray(item)) tokens += item.length;
    else throw new TypeError('embeddings `input` items must be strings or token arrays');
  }
  return tokens;
}

// Responses input: a string, or items whose text parts are counted as chat messages are. Items
// the chat format cannot express (function outputs, reasoning) are counted as their JSON text,
// which is never less than their tokens in the prompt.
function countResponsesInput({
  request,
  model,
  count,
  excludedPartTokens,
}: {
  request: BudgetRequest;
  model: string;
  count: (text: string) => number;
  excludedPartTokens: number;
}): number {
  const messages: ChatPromptMessage[] = [];
  let extra = 0;
  if (typeof request.instructions === 'string' && request.instructions) {
    messages.push({ role: 'developer', content: request.instructions });
  }
  if (typeof request.input === 'string') {
    messages.push({ role: 'user', content: request.input });
  } else if (Array.isArray(request.input)) {
    for (const item of request.input as Array<Record<string, unknown>>) {
      const role = typeof item?.role === 'string' ? item.role : undefined;
      if (role && (item.type === undefined || item.type === 'message')) {
        const content = item.content;
        if (typeof content === 'string') messages.push({ role, content });
        else if (Array.isArray(content)) {
          const text = content
            .map((part: Record<string, unknown>) =>
              typeof part?.text === 'string' ? part.text : '',
            )
            .join('');
          messages.push({ role, content: text });
          extra +=
            content.filter((part) => typeof part?.text !== 'string').length * excludedPartTokens;
        }
      } else {
        extra += count(JSON.stringify(item));
      }
    }
  } else {
    throw new TypeError('Responses `input` must be a string or an array of items');
  }
  const tools = Array.isArray(request.tools) ? count(JSON.stringify(request.tools)) : 0;
  const counted = countChatPromptTokens({ model, messages });
  return counted.tokens + counted.excluded.length * excludedPartTokens + extra + tools;
}
