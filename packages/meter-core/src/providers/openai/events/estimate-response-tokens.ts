import type { EncodingName } from '../../../tokenizer/encoding-name.js';
import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import { chatPromptRulesForModel } from '../count/chat-prompt-rules.js';
import {
  type ChatPromptRequest,
  countChatPromptTokens,
} from '../count/count-chat-prompt-tokens.js';
import { countOutputToolCallTokens } from '../count/count-output-tool-call-tokens.js';
import { countResponsesPromptTokens } from '../count/count-responses-prompt-tokens.js';
import type { FunctionCallInput } from '../count/count-tool-call-tokens.js';
import type { ResponsesPromptRequest } from './convert-responses-request.js';
import { countTextTokens } from './count-text-tokens.js';
import { resolveEstimateEncoding } from './resolve-estimate-encoding.js';
import type {
  ChatCompletionLike,
  EmbeddingsPromptRequest,
  ResponseOutputItemLike,
} from './response-types.js';

function estimateTokens({
  promptTokens,
  completionTokens,
}: {
  promptTokens: number;
  completionTokens: number;
}): UsageRecord {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    cached_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
  };
}

/**
 * Estimated output of one exchange: the generated text's tokens plus the function calls with
 * their fitted framing, and how many assistant messages the calls took.
 */
function estimateOutputTokens({
  texts,
  toolCallGroups,
  model,
  encoding,
}: {
  texts: Iterable<string>;
  toolCallGroups: Iterable<readonly FunctionCallInput[]>;
  model: string;
  encoding: EncodingName;
}): { tokens: number; toolCallMessages: number } {
  const tokenizer = getTokenizer(encoding);
  const rules = chatPromptRulesForModel(model);
  let tokens = countTextTokens({ texts, encoding });
  let toolCallMessages = 0;
  for (const calls of toolCallGroups) {
    if (calls.length === 0) continue;
    const counted = countOutputToolCallTokens({ calls, tokenizer, rules });
    tokens += counted.tokens;
    toolCallMessages += counted.messages;
  }
  return { tokens, toolCallMessages };
}

/**
 * Estimates the usage of a chat completion that reported none: the prompt with
 * `countChatPromptTokens`, the completion from every choice's content and refusal plus its
 * function calls with their fitted framing (one group of calls per choice). Hidden reasoning
 * tokens cannot be estimated.
 */
export function estimateChatCompletionTokens({
  request,
  completionTexts,
  toolCallGroups = [],
  model,
  encoding,
  countPrompt,
}: {
  request: ChatPromptRequest;
  /** Generated text: content and refusals. */
  completionTexts: Iterable<string>;
  /** The function calls of each choice. */
  toolCallGroups?: Iterable<readonly FunctionCallInput[]> | undefined;
  /** The model the response reported; the request's model is the fallback. */
  model: string | null | undefined;
  encoding?: EncodingName | null | undefined;
  /** Counts the request's prompt in an encoding (a stream meter's, remembered between calls). */
  countPrompt?: ((encoding: EncodingName) => number) | undefined;
}): UsageRecord {
  const modelName = model ?? request.model ?? '';
  const resolved = resolveEstimateEncoding({ model: modelName, encoding });
  return estimateTokens({
    promptTokens: countPrompt
      ? countPrompt(resolved)
      : countChatPromptTokens(request, { encoding: resolved }).tokens,
    completionTokens: estimateOutputTokens({
      texts: completionTexts,
      toolCallGroups,
      model: modelName,
      encoding: resolved,
    }).tokens,
  });
}

// On the recorded Responses streams, re-encoded output is one token short of output_tokens for
// every assistant message the model wrote: each output message, each function call, or one
// `multi_tool_use.parallel` message for several calls (chat completions show no such gap).
const responsesTokensPerOutputMessage = 1;

/**
 * Estimates the usage of a Responses API exchange: the request converted to chat messages, the
 * output text and refusals, the function calls with their fitted framing, plus one token per
 * assistant message. Hidden reasoning tokens cannot be estimated.
 */
export function estimateResponsesTokens({
  request,
  outputTexts,
  outputMessageCount,
  toolCalls = [],
  model,
  encoding,
  countPrompt,
}: {
  request: ResponsesPromptRequest;
  /** Generated text: output text, refusals, code and other tool input. */
  outputTexts: Iterable<string>;
  /** Number of `message` output items. */
  outputMessageCount: number;
  /** `function_call` and `custom_tool_call` output items. */
  toolCalls?: readonly FunctionCallInput[] | undefined;
  model: string | null | undefined;
  encoding?: EncodingName | null | undefined;
  /** Counts the request's prompt in an encoding (a stream meter's, remembered between calls). */
  countPrompt?: ((encoding: EncodingName) => number) | undefined;
}): UsageRecord {
  const modelName = model ?? request.model ?? '';
  const resolved = resolveEstimateEncoding({ model: modelName, encoding });
  const output = estimateOutputTokens({
    texts: outputTexts,
    toolCallGroups: [toolCalls],
    model: modelName,
    encoding: resolved,
  });
  return estimateTokens({
    promptTokens: countPrompt
      ? countPrompt(resolved)
      : countResponsesPromptTokens(request, { encoding: resolved }).tokens,
    completionTokens:
      output.tokens +
      (outputMessageCount + output.toolCallMessages) * responsesTokensPerOutputMessage,
  });
}

/**
 * Estimates the usage of an embeddings request: the tokens of each input string, or the length
 * of each token array. Embeddings have no completion tokens.
 */
export function estimateEmbeddingsTokens({
  request,
  model,
  encoding,
}: {
  request: EmbeddingsPromptRequest;
  model: string | null | undefined;
  encoding?: EncodingName | null | undefined;
}): UsageRecord {
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
 * Lists the generated texts of a chat completion other than function calls: content and
 * refusal of every choice.
 */
export function* listChatCompletionTexts(response: ChatCompletionLike): Generator<string> {
  for (const choice of response.choices ?? []) {
    const message = choice.message;
    if (!message) continue;
    if (message.content) yield message.content;
    if (message.refusal) yield message.refusal;
  }
}

/**
 * Lists the function calls of each choice of a chat completion (`tool_calls`, custom tool
 * calls with their input as arguments, the legacy `function_call`).
 */
export function* listChatCompletionToolCalls(
  response: ChatCompletionLike,
): Generator<FunctionCallInput[]> {
  for (const choice of response.choices ?? []) {
    const message = choice.message;
    if (!message) continue;
    const calls: FunctionCallInput[] = (message.tool_calls ?? []).map((call) =>
      call.custom
        ? { name: call.custom.name, arguments: call.custom.input }
        : { name: call.function?.name, arguments: call.function?.arguments },
    );
    if (message.function_call) calls.push(message.function_call);
    yield calls;
  }
}

/**
 * Lists the generated texts of a Responses API response other than function calls: output
 * text and refusals.
 */
export function* listResponseOutputTexts(
  output: ReadonlyArray<ResponseOutputItemLike> | null | undefined,
): Generator<string> {
  for (const item of output ?? []) {
    for (const part of item.content ?? []) {
      if (part.type === 'output_text' && part.text) yield part.text;
      if (part.type === 'refusal' && part.refusal) yield part.refusal;
    }
  }
}

/**
 * Lists the function and custom tool calls of a Responses API response, the input of a custom
 * tool standing for arguments.
 */
export function listResponseToolCalls(
  output: ReadonlyArray<ResponseOutputItemLike> | null | undefined,
): FunctionCallInput[] {
  return (output ?? [])
    .filter((item) => item.type === 'function_call' || item.type === 'custom_tool_call')
    .map((item) => ({
      name: item.name,
      arguments:
        typeof item.arguments === 'string'
          ? item.arguments
          : typeof item.input === 'string'
            ? item.input
            : '',
    }));
}
