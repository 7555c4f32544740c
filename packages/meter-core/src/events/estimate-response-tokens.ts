import {
  type ChatPromptRequest,
  countChatPromptTokens,
} from '../count/count-chat-prompt-tokens.js';
import type { EncodingName } from '../tokenizer/encoding-name.js';
import {
  convertResponsesRequest,
  type ResponsesPromptRequest,
} from './convert-responses-request.js';
import { countTextTokens } from './count-text-tokens.js';
import { resolveEstimateEncoding } from './resolve-estimate-encoding.js';
import type {
  ChatCompletionLike,
  EmbeddingsPromptRequest,
  ResponseOutputItemLike,
} from './response-types.js';
import type { UsageTokens } from './usage-event.js';

function estimateTokens({
  promptTokens,
  completionTokens,
}: {
  promptTokens: number;
  completionTokens: number;
}): UsageTokens {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    cached_tokens: 0,
    reasoning_tokens: 0,
  };
}

/**
 * Estimates the usage of a chat completion that reported none: the prompt with
 * `countChatPromptTokens`, the completion from every choice's content, refusal and tool calls.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
export function estimateChatCompletionTokens({
  request,
  completionTexts,
  model,
  encoding,
}: {
  request: ChatPromptRequest;
  completionTexts: Iterable<string>;
  /** The model the response reported; the request's model is the fallback. */
  model: string | null | undefined;
  encoding?: EncodingName | null | undefined;
}): UsageTokens {
  const resolved = resolveEstimateEncoding({ model: model ?? request.model, encoding });
  return estimateTokens({
    promptTokens: countChatPromptTokens(request, { encoding: resolved }).tokens,
    completionTokens: countTextTokens({ texts: completionTexts, encoding: resolved }),
  });
}

// On the recorded Responses streams, re-encoded output text is one token short of
// output_tokens for every output message (chat completions show no such gap).
const responsesTokensPerOutputMessage = 1;

/**
 * Estimates the usage of a Responses API exchange: the request converted to chat messages, the
 * output text, refusals and function calls, plus one token per output message. Hidden reasoning
 * tokens cannot be estimated.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function estimateResponsesTokens({
  request,
  outputTexts,
  outputMessageCount,
  model,
  encoding,
}: {
  request: ResponsesPromptRequest;
  outputTexts: Iterable<string>;
  /** Number of `message` output items. */
  outputMessageCount: number;
  model: string | null | undefined;
  encoding?: EncodingName | null | undefined;
}): UsageTokens {
  const tokens = estimateChatCompletionTokens({
    request: convertResponsesRequest(request),
    completionTexts: outputTexts,
    model,
    encoding,
  });
  const framing = outputMessageCount * responsesTokensPerOutputMessage;
  return {
    ...tokens,
    completion_tokens: tokens.completion_tokens + framing,
    total_tokens: tokens.total_tokens + framing,
  };
}

/**
 * Estimates the usage of an embeddings request: the tokens of each input string, or the length
 * of each token array. Embeddings have no completion tokens.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create#embeddings-create-input
 */
export function estimateEmbeddingsTokens({
  request,
  model,
  encoding,
}: {
  request: EmbeddingsPromptRequest;
  model: string | null | undefined;
  encoding?: EncodingName | null | undefined;
}): UsageTokens {
  const resolved = resolveEstimateEncoding({ model: model ?? request.model, encoding });
  const input = request.input ?? [];
  const items: ReadonlyArray<unknown> = typeof input === 'string' ? [input] : input;
  let promptTokens = 0;
  if (items.every((item) => typeof item === 'number')) {
    promptTokens = items.length;
  } else {
    for (const item of items) {
      if (typeof item === 'string')
        promptTokens += countTextTokens({ texts: [item], encoding: resolved });
      else if (Array.isArray(item)) promptTokens += item.length;
    }
  }
  return estimateTokens({ promptTokens, completionTokens: 0 });
}

/**
 * Lists the billable output texts of a chat completion: content, refusal and tool calls of every
 * choice.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function* listChatCompletionTexts(response: ChatCompletionLike): Generator<string> {
  for (const choice of response.choices ?? []) {
    const message = choice.message;
    if (!message) continue;
    if (message.content) yield message.content;
    if (message.refusal) yield message.refusal;
    for (const call of message.tool_calls ?? []) {
      if (call.function?.name) yield call.function.name;
      if (call.function?.arguments) yield call.function.arguments;
      if (call.custom?.name) yield call.custom.name;
      if (call.custom?.input) yield call.custom.input;
    }
    if (message.function_call?.name) yield message.function_call.name;
    if (message.function_call?.arguments) yield message.function_call.arguments;
  }
}

/**
 * Lists the billable output texts of a Responses API response: output text, refusals, function
 * and custom tool calls.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
 */
export function* listResponseOutputTexts(
  output: ReadonlyArray<ResponseOutputItemLike> | null | undefined,
): Generator<string> {
  for (const item of output ?? []) {
    for (const part of item.content ?? []) {
      if (part.type === 'output_text' && part.text) yield part.text;
      if (part.type === 'refusal' && part.refusal) yield part.refusal;
    }
    if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      if (item.name) yield item.name;
      if (typeof item.arguments === 'string' && item.arguments) yield item.arguments;
      if (typeof item.input === 'string' && item.input) yield item.input;
    }
  }
}
