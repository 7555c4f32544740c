import {
  convertTime,
  convertUnixSeconds,
  type UsageEventEnvelopeOptions,
} from '../../../events/create-usage-event.js';
import type { UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import type { EncodingName } from '../../../tokenizer/encoding-name.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import type { ChatPromptRequest } from '../count/count-chat-prompt-tokens.js';
import { convertChatUsage } from './convert-chat-usage.js';
import type { ResponsesPromptRequest } from './convert-responses-request.js';
import { convertResponsesUsage } from './convert-responses-usage.js';
import { createOpenAIUsageEvent } from './create-openai-usage-event.js';
import {
  estimateChatCompletionTokens,
  estimateEmbeddingsTokens,
  estimateResponsesTokens,
  listChatCompletionTexts,
  listChatCompletionToolCalls,
  listResponseOutputTexts,
  listResponseToolCalls,
} from './estimate-response-tokens.js';
import type {
  ChatCompletionLike,
  EmbeddingsPromptRequest,
  EmbeddingsResponseLike,
  MeterableResponse,
  ResponseLike,
} from './response-types.js';

/**
 * Options of {@link toUsageEvent}: the envelope (subject, source, type, dimensions, `id`
 * override, provider), what the response itself may lack (embeddings have no id and no time),
 * and the request (its `model` becomes `requested_model`; without usage it makes an estimate).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface ToUsageEventOptions extends UsageEventEnvelopeOptions {
  /**
   * Event id used only when the response carries none: embeddings, when the SDK's `_request_id`
   * is missing too. `id` overrides every id; this only falls back.
   */
  fallbackId?: string | undefined;
  /** Clock read only when the response has no time of its own (embeddings). */
  now?: (() => Date) | undefined;
  /**
   * The request body that produced the response: its `model` becomes `requested_model`, and when
   * the response has no usage the event is an estimate from it (`usage_source: "estimated"`,
   * `estimate_reason: "no_usage"`).
   */
  request?: ChatPromptRequest | ResponsesPromptRequest | EmbeddingsPromptRequest | undefined;
  /** Encoding for estimates; defaults to the model's, or `o200k_base` for unknown models. */
  encoding?: EncodingName | undefined;
}

// Responses that are still running have no final usage; metering them now and again when they
// complete would bill twice.
const unfinishedStatuses = new Set(['queued', 'in_progress']);

function noUsageError(): UsageEventError {
  return new UsageEventError({
    field: 'usage',
    message:
      'the response carries no usage: pass options.request to record an estimate (usage_source "estimated")',
  });
}

function chatTokens(response: ChatCompletionLike, options: ToUsageEventOptions): UsageRecord {
  if (response.usage) return convertChatUsage({ usage: response.usage });
  if (!options.request) throw noUsageError();
  return estimateChatCompletionTokens({
    request: options.request as ChatPromptRequest,
    completionTexts: listChatCompletionTexts(response),
    toolCallGroups: listChatCompletionToolCalls(response),
    model: response.model,
    encoding: options.encoding,
  });
}

function responsesTokens(response: ResponseLike, options: ToUsageEventOptions): UsageRecord {
  if (response.status && unfinishedStatuses.has(response.status)) {
    throw new UsageEventError({
      field: 'status',
      message: `the response is ${response.status}: meter it once it has completed`,
    });
  }
  if (response.usage) return convertResponsesUsage({ usage: response.usage });
  if (!options.request) throw noUsageError();
  return estimateResponsesTokens({
    request: options.request as ResponsesPromptRequest,
    outputTexts: listResponseOutputTexts(response.output),
    outputMessageCount: (response.output ?? []).filter((item) => item.type === 'message').length,
    toolCalls: listResponseToolCalls(response.output),
    model: response.model,
    encoding: options.encoding,
  });
}

function embeddingsTokens(
  response: EmbeddingsResponseLike,
  options: ToUsageEventOptions,
): UsageRecord {
  if (response.usage) return convertChatUsage({ usage: response.usage, completionOptional: true });
  if (!options.request) throw noUsageError();
  return estimateEmbeddingsTokens({
    request: options.request as EmbeddingsPromptRequest,
    model: response.model,
    encoding: options.encoding,
  });
}

/**
 * Maps a Chat Completion, a Responses API response or an Embeddings response to one usage
 * CloudEvent whose `id` is the provider's response id (embeddings: the SDK's `_request_id`, else
 * `options.fallbackId`; `options.id` overrides both), so a retry or replay produces the same
 * event. Throws {@link UsageEventError} naming the field for bad input; a response without usage
 * becomes an estimate when `options.request` is given.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function toUsageEvent(
  response: MeterableResponse,
  options: ToUsageEventOptions,
): UsageEvent {
  if (typeof response !== 'object' || response === null) {
    throw new UsageEventError({ field: 'response', message: 'must be an object' });
  }
  const safeOptions: ToUsageEventOptions = options ?? { subject: '' };
  const requestedModel = safeOptions.request?.model;
  const object: unknown = (response as { object?: unknown }).object;
  if (object === 'chat.completion') {
    const chat = response as ChatCompletionLike;
    const tokens = chatTokens(chat, safeOptions);
    return createOpenAIUsageEvent({
      providerId: chat.id,
      time: convertUnixSeconds({ value: chat.created, field: 'created' }),
      model: chat.model,
      requestedModel,
      serviceTier: chat.service_tier,
      endpoint: 'chat.completions',
      tokens,
      estimateReason: chat.usage ? undefined : 'no_usage',
      options: safeOptions,
    });
  }
  if (object === 'response') {
    const responses = response as ResponseLike;
    const tokens = responsesTokens(responses, safeOptions);
    return createOpenAIUsageEvent({
      providerId: responses.id,
      time: convertUnixSeconds({ value: responses.created_at, field: 'created_at' }),
      model: responses.model,
      requestedModel,
      serviceTier: responses.service_tier,
      endpoint: 'responses',
      tokens,
      estimateReason: responses.usage ? undefined : 'no_usage',
      options: safeOptions,
    });
  }
  if (object === 'list' && Array.isArray((response as EmbeddingsResponseLike).data)) {
    const embeddings = response as EmbeddingsResponseLike;
    const id = safeOptions.id ?? embeddings._request_id ?? safeOptions.fallbackId;
    if (!id) {
      throw new UsageEventError({
        field: 'options.fallbackId',
        message:
          'embeddings responses carry no id: pass the SDK response (which has _request_id), options.fallbackId or options.id',
      });
    }
    if (!safeOptions.now) {
      throw new UsageEventError({
        field: 'options.now',
        message: 'embeddings responses carry no time: pass options.now, e.g. () => new Date()',
      });
    }
    const tokens = embeddingsTokens(embeddings, safeOptions);
    return createOpenAIUsageEvent({
      providerId: id,
      time: convertTime({ value: safeOptions.now(), field: 'options.now' }),
      model: embeddings.model,
      requestedModel,
      endpoint: 'embeddings',
      tokens,
      estimateReason: embeddings.usage ? undefined : 'no_usage',
      options: safeOptions,
    });
  }
  if (object === 'chat.completion.chunk') {
    throw new UsageEventError({
      field: 'object',
      message:
        'a chat.completion.chunk is one piece of a stream: wrap the stream with meterChatStream',
    });
  }
  throw new UsageEventError({
    field: 'object',
    message: `expected "chat.completion", "response" or "list" (embeddings), got ${JSON.stringify(object)}`,
  });
}
