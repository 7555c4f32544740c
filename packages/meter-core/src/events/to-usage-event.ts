import type { ChatPromptRequest } from '../count/count-chat-prompt-tokens.js';
import type { EncodingName } from '../tokenizer/encoding-name.js';
import { convertChatUsage } from './convert-chat-usage.js';
import type { ResponsesPromptRequest } from './convert-responses-request.js';
import { convertResponsesUsage } from './convert-responses-usage.js';
import {
  convertTime,
  convertUnixSeconds,
  createUsageEvent,
  type UsageEventEnvelopeOptions,
} from './create-usage-event.js';
import {
  estimateChatCompletionTokens,
  estimateEmbeddingsTokens,
  estimateResponsesTokens,
  listChatCompletionTexts,
  listResponseOutputTexts,
} from './estimate-response-tokens.js';
import type {
  ChatCompletionLike,
  EmbeddingsPromptRequest,
  EmbeddingsResponseLike,
  MeterableResponse,
  ResponseLike,
} from './response-types.js';
import type { UsageEvent, UsageTokens } from './usage-event.js';
import { UsageEventError } from './usage-event-error.js';

/**
 * Options of {@link toUsageEvent}: the envelope (subject, source, type, dimensions), what the
 * response itself lacks (embeddings have no id and no time), and the request to estimate from
 * when the response carries no usage.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface ToUsageEventOptions extends UsageEventEnvelopeOptions {
  /**
   * Event id for responses without their own id (embeddings); wins over the SDK's `_request_id`.
   * Ignored when the response has an id, so a retry or replay keeps the provider's id.
   */
  id?: string | undefined;
  /** Event time for responses without `created` (embeddings): a `Date` or RFC 3339 string. */
  time?: Date | string | undefined;
  /**
   * The request body that produced the response. Only read when the response has no usage: the
   * event is then an estimate (`usage_source: "estimated"`, `estimate_reason: "no_usage"`).
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

function chatTokens(response: ChatCompletionLike, options: ToUsageEventOptions): UsageTokens {
  if (response.usage) return convertChatUsage({ usage: response.usage });
  if (!options.request) throw noUsageError();
  return estimateChatCompletionTokens({
    request: options.request as ChatPromptRequest,
    completionTexts: listChatCompletionTexts(response),
    model: response.model,
    encoding: options.encoding,
  });
}

function responsesTokens(response: ResponseLike, options: ToUsageEventOptions): UsageTokens {
  if (response.status && unfinishedStatuses.has(response.status)) {
    throw new UsageEventError({
      field: 'status',
      message: `the response is ${response.status}: meter it once it has completed`,
    });
  }
  if (response.usage) return convertResponsesUsage(response.usage);
  if (!options.request) throw noUsageError();
  return estimateResponsesTokens({
    request: options.request as ResponsesPromptRequest,
    outputTexts: listResponseOutputTexts(response.output),
    outputMessageCount: (response.output ?? []).filter((item) => item.type === 'message').length,
    model: response.model,
    encoding: options.encoding,
  });
}

function embeddingsTokens(
  response: EmbeddingsResponseLike,
  options: ToUsageEventOptions,
): UsageTokens {
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
 * CloudEvent whose `id` is the provider's response id (embeddings: `options.id`, else the SDK's
 * `_request_id`), so a retry or replay produces the same event. Throws {@link UsageEventError}
 * naming the field for bad input; a response without usage becomes an estimate when
 * `options.request` is given.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export function toUsageEvent(
  response: MeterableResponse,
  options: ToUsageEventOptions,
): UsageEvent {
  if (typeof response !== 'object' || response === null) {
    throw new UsageEventError({ field: 'response', message: 'must be an object' });
  }
  const safeOptions: ToUsageEventOptions = options ?? { subject: '' };
  const object: unknown = (response as { object?: unknown }).object;
  if (object === 'chat.completion') {
    const chat = response as ChatCompletionLike;
    const tokens = chatTokens(chat, safeOptions);
    return createUsageEvent({
      id: chat.id,
      time: convertUnixSeconds({ value: chat.created, field: 'created' }),
      model: chat.model,
      endpoint: 'chat.completions',
      tokens,
      estimateReason: chat.usage ? undefined : 'no_usage',
      options: safeOptions,
    });
  }
  if (object === 'response') {
    const responses = response as ResponseLike;
    const tokens = responsesTokens(responses, safeOptions);
    return createUsageEvent({
      id: responses.id,
      time: convertUnixSeconds({ value: responses.created_at, field: 'created_at' }),
      model: responses.model,
      endpoint: 'responses',
      tokens,
      estimateReason: responses.usage ? undefined : 'no_usage',
      options: safeOptions,
    });
  }
  if (object === 'list' && Array.isArray((response as EmbeddingsResponseLike).data)) {
    const embeddings = response as EmbeddingsResponseLike;
    const id = safeOptions.id ?? embeddings._request_id;
    if (!id) {
      throw new UsageEventError({
        field: 'options.id',
        message:
          'embeddings responses carry no id: pass options.id or the SDK response (which has _request_id)',
      });
    }
    const tokens = embeddingsTokens(embeddings, safeOptions);
    return createUsageEvent({
      id,
      time: convertTime({ value: safeOptions.time, field: 'options.time' }),
      model: embeddings.model,
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
