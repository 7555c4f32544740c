import type { EstimateReason, UsageEvent } from '../../../events/usage-event.js';
import type { StreamEndReason, StreamMeterOptions } from '../../../stream/stream-meter-options.js';
import {
  type ChatPromptRequest,
  countChatPromptTokens,
} from '../count/count-chat-prompt-tokens.js';
import { convertChatUsage, type OpenAIChatUsage } from '../events/convert-chat-usage.js';
import { estimateChatCompletionTokens } from '../events/estimate-response-tokens.js';
import { countPromptOnce, finishOpenAIStream } from './finish-openai-stream.js';

/**
 * One chunk of a chat completion stream, declaring only the fields the meter reads.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export interface ChatCompletionChunkLike {
  id?: string | null | undefined;
  created?: number | null | undefined;
  model?: string | null | undefined;
  choices?:
    | ReadonlyArray<{
        index?: number | null | undefined;
        delta?:
          | {
              content?: string | null | undefined;
              refusal?: string | null | undefined;
              tool_calls?:
                | ReadonlyArray<{
                    index?: number | null | undefined;
                    function?:
                      | { name?: string | null | undefined; arguments?: string | null | undefined }
                      | null
                      | undefined;
                  }>
                | null
                | undefined;
              function_call?:
                | { name?: string | null | undefined; arguments?: string | null | undefined }
                | null
                | undefined;
            }
          | null
          | undefined;
        finish_reason?: string | null | undefined;
      }>
    | null
    | undefined;
  usage?: OpenAIChatUsage | null | undefined;
  /** The tier serving the stream, repeated on every chunk. */
  service_tier?: string | null | undefined;
}

interface ChoiceText {
  content: string;
  refusal: string;
  toolCalls: Map<number, { name: string; arguments: string }>;
  finished: boolean;
}

/**
 * Push-based usage meter for one chat completion stream, with no I/O: `push` every chunk, then
 * `finish` once for the usage event. It keeps the provider's usage chunk when one arrives, and
 * otherwise accumulates the streamed text per choice and encodes it once at the end (encoding
 * per chunk over-counts at chunk boundaries).
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export class ChatStreamMeter {
  readonly #request: ChatPromptRequest;
  readonly #options: StreamMeterOptions;
  readonly #choices = new Map<number, ChoiceText>();
  #id: string | undefined;
  #created: number | undefined;
  #model: string | undefined;
  #serviceTier: string | undefined;
  #usage: OpenAIChatUsage | undefined;
  #chunkCount = 0;
  readonly #countPrompt = countPromptOnce(
    (encoding) => countChatPromptTokens(this.#request, { encoding }).tokens,
  );

  constructor({ request, options }: { request: ChatPromptRequest; options: StreamMeterOptions }) {
    this.#request = request;
    this.#options = options;
  }

  /** Number of chunks pushed so far. */
  get chunkCount(): number {
    return this.#chunkCount;
  }

  /** Whether the provider's usage chunk has arrived. */
  get hasProviderUsage(): boolean {
    return this.#usage !== undefined;
  }

  /** Records one chunk; never throws, whatever the chunk looks like. */
  push(chunk: ChatCompletionChunkLike): void {
    this.#chunkCount += 1;
    if (typeof chunk !== 'object' || chunk === null) return;
    if (this.#id === undefined && typeof chunk.id === 'string' && chunk.id) this.#id = chunk.id;
    // Azure's first chunk (content filter results) carries `created: 0` and an empty id and
    // model: take the first real values.
    if (this.#created === undefined && typeof chunk.created === 'number' && chunk.created > 0) {
      this.#created = chunk.created;
    }
    if (this.#model === undefined && typeof chunk.model === 'string' && chunk.model) {
      this.#model = chunk.model;
    }
    // The last chunk's tier wins: it is the one the provider settled on.
    if (typeof chunk.service_tier === 'string' && chunk.service_tier) {
      this.#serviceTier = chunk.service_tier;
    }
    if (chunk.usage && typeof chunk.usage === 'object') this.#usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      const index = typeof choice?.index === 'number' ? choice.index : 0;
      let text = this.#choices.get(index);
      if (text === undefined) {
        text = { content: '', refusal: '', toolCalls: new Map(), finished: false };
        this.#choices.set(index, text);
      }
      const delta = choice?.delta;
      if (delta) {
        if (typeof delta.content === 'string') text.content += delta.content;
        if (typeof delta.refusal === 'string') text.refusal += delta.refusal;
        if (Array.isArray(delta.tool_calls)) {
          for (const call of delta.tool_calls) {
            appendCall(text, typeof call?.index === 'number' ? call.index : 0, call?.function);
          }
        }
        // The legacy function_call streams like a single tool call.
        if (delta.function_call) appendCall(text, -1, delta.function_call);
      }
      if (choice?.finish_reason) text.finished = true;
    }
  }

  /**
   * Builds the usage event: provider usage when the usage chunk arrived, else an estimate
   * (`usage_source: "estimated"`) whose reason follows from `reason` and whether every choice
   * finished. Throws `UsageEventError` when no id or time is known, or the usage is malformed.
   */
  finish({ reason }: { reason: StreamEndReason }): UsageEvent {
    return finishOpenAIStream({
      id: this.#id,
      created: this.#created,
      createdField: 'created',
      usage: this.#usage,
      convertUsage: convertChatUsage,
      estimate: () =>
        estimateChatCompletionTokens({
          request: this.#request,
          completionTexts: this.#texts(),
          toolCallGroups: this.#toolCallGroups(),
          model: this.#model,
          encoding: this.#options.encoding,
          countPrompt: this.#countPrompt,
        }),
      estimateReason: () => this.#estimateReason(reason),
      model: this.#model,
      requestedModel: this.#request.model,
      serviceTier: this.#serviceTier,
      endpoint: 'chat.completions',
      options: this.#options,
    });
  }

  #estimateReason(reason: StreamEndReason): EstimateReason {
    if (reason !== 'completed') return reason;
    // The openai SDK ends an aborted stream quietly, so a clean end with an unfinished choice
    // means the stream was stopped.
    for (const text of this.#choices.values()) if (!text.finished) return 'aborted';
    return 'no_usage_chunk';
  }

  *#texts(): Generator<string> {
    for (const text of this.#choices.values()) {
      yield text.content;
      yield text.refusal;
    }
  }

  *#toolCallGroups(): Generator<Array<{ name: string; arguments: string }>> {
    for (const text of this.#choices.values()) yield [...text.toolCalls.values()];
  }
}

function appendCall(
  text: ChoiceText,
  index: number,
  fragment:
    | { name?: string | null | undefined; arguments?: string | null | undefined }
    | null
    | undefined,
): void {
  let call = text.toolCalls.get(index);
  if (call === undefined) {
    call = { name: '', arguments: '' };
    text.toolCalls.set(index, call);
  }
  if (typeof fragment?.name === 'string') call.name += fragment.name;
  if (typeof fragment?.arguments === 'string') call.arguments += fragment.arguments;
}
