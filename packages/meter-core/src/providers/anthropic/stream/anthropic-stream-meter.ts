import { convertTime } from '../../../events/create-usage-event.js';
import type { EstimateReason, UsageEvent } from '../../../events/usage-event.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { safeConvertUsage } from '../../../stream/safe-convert-usage.js';
import type { StreamEndReason, StreamMeterOptions } from '../../../stream/stream-meter-options.js';
import type { UsageRecord } from '../../../usage/usage-record.js';
import { estimateAnthropicMessageTokens } from '../count/estimate-anthropic-message-tokens.js';
import type {
  AnthropicContentBlockLike,
  AnthropicMessageLike,
  AnthropicMessagesRequest,
  AnthropicUsage,
} from '../events/anthropic-message-types.js';
import { convertAnthropicUsage } from '../events/convert-anthropic-usage.js';
import { createMessagesUsageEvent } from '../events/create-messages-usage-event.js';

/**
 * One server-sent event of a Messages stream (`message_start`, `content_block_start`,
 * `content_block_delta`, `content_block_stop`, `message_delta`, `message_stop`, `ping`,
 * `error`), declaring only the fields the meter reads.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export interface AnthropicStreamEventLike {
  type?: string | null | undefined;
  /** `message_start`: the message so far, with the input side of its usage. */
  message?: AnthropicMessageLike | null | undefined;
  index?: number | null | undefined;
  content_block?: AnthropicContentBlockLike | null | undefined;
  delta?:
    | {
        type?: string | null | undefined;
        text?: string | null | undefined;
        thinking?: string | null | undefined;
        partial_json?: string | null | undefined;
        /** `compaction_delta`: the summary. */
        content?: string | null | undefined;
        stop_reason?: string | null | undefined;
      }
    | null
    | undefined;
  /** `message_delta`: cumulative usage. */
  usage?: AnthropicUsage | null | undefined;
}

interface StreamedBlock {
  type: string;
  text: string;
  thinking: string;
  name: string | undefined;
  /** The tool input's JSON as streamed (`input_json_delta`), else the start's input. */
  json: string;
  startInput: unknown;
  content: string;
}

// Keeps the values a later usage reports, as Anthropic's SDKs merge them: nulls never erase.
function mergeUsage(base: AnthropicUsage | undefined, update: AnthropicUsage): AnthropicUsage {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(update)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged as AnthropicUsage;
}

/**
 * Push-based usage meter for one Anthropic Messages stream, with no I/O: `push` every event,
 * then `finish` once for the usage event. The input side comes from the last `message_delta`
 * when it carries it (with server tools or advisor passes it differs from `message_start`'s),
 * else from `message_start`; output from the last (cumulative) `message_delta`. A stream that
 * ends without one (aborted, an `error` event, cut) yields an estimate: the input side from
 * `message_start`, output estimated from the text streamed so far.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export class AnthropicStreamMeter {
  readonly #request: AnthropicMessagesRequest;
  readonly #options: StreamMeterOptions;
  readonly #blocks = new Map<number, StreamedBlock>();
  #id: string | undefined;
  #model: string | undefined;
  #time: string | undefined;
  #startUsage: AnthropicUsage | undefined;
  #finalUsage: AnthropicUsage | undefined;
  #errored = false;
  #chunkCount = 0;

  constructor({
    request,
    options,
  }: {
    request: AnthropicMessagesRequest;
    options: StreamMeterOptions;
  }) {
    this.#request = request;
    this.#options = options;
  }

  /** Number of events pushed so far. */
  get chunkCount(): number {
    return this.#chunkCount;
  }

  /** Whether a `message_delta` with the provider's usage has arrived. */
  get hasProviderUsage(): boolean {
    return this.#finalUsage !== undefined;
  }

  /** Records one stream event; never throws, whatever the event looks like. */
  push(event: AnthropicStreamEventLike): void {
    this.#chunkCount += 1;
    // A message carries no time: the stream's is when its first event arrived.
    if (this.#time === undefined && this.#options.now) {
      try {
        this.#time = convertTime({ value: this.#options.now(), field: 'options.now' });
      } catch {
        // Left for finish, which reports it.
      }
    }
    if (typeof event !== 'object' || event === null) return;
    switch (event.type) {
      case 'message_start':
        this.#readStart(event.message);
        break;
      case 'content_block_start':
        this.#startBlock(event);
        break;
      case 'content_block_delta':
        this.#appendDelta(event);
        break;
      case 'message_delta':
        if (
          typeof event.usage === 'object' &&
          event.usage !== null &&
          !Array.isArray(event.usage)
        ) {
          this.#finalUsage = mergeUsage(this.#finalUsage, event.usage);
        }
        break;
      case 'error':
        this.#errored = true;
        break;
      default:
      // ping, content_block_stop, message_stop and event types added later carry no usage.
    }
  }

  /**
   * Builds the usage event: Anthropic's usage when a `message_delta` carried it, else an
   * estimate (`usage_source: "estimated"`) whose reason follows from `reason` and an `error`
   * event. Throws `UsageEventError` when no id or clock is known.
   */
  finish({ reason }: { reason: StreamEndReason }): UsageEvent {
    const id = this.#id ?? this.#options.fallbackId;
    if (!id && this.#options.id === undefined) {
      throw new UsageEventError({
        field: 'id',
        message:
          'the stream ended before message_start carried the message id: pass options.fallbackId to meter such streams',
      });
    }
    const time = this.#time ?? this.#readClock();
    const model = this.#model ?? this.#request.model;
    const merged =
      this.#finalUsage === undefined ? undefined : mergeUsage(this.#startUsage, this.#finalUsage);
    const provided = merged
      ? safeConvertUsage(() => convertAnthropicUsage({ usage: merged }))
      : undefined;
    if (provided?.success) {
      return createMessagesUsageEvent({
        id,
        time,
        model,
        request: this.#request,
        usage: merged,
        tokens: provided.value,
        options: this.#options,
      });
    }
    const estimateReason: EstimateReason = provided
      ? 'invalid_usage'
      : this.#errored
        ? 'error'
        : reason === 'completed'
          ? 'no_usage_chunk'
          : reason;
    const { tokens, thinkingUnknown, inputReported } = this.#estimate();
    const event = createMessagesUsageEvent({
      id,
      time,
      model,
      request: this.#request,
      usage: this.#startUsage,
      tokens,
      estimateReason,
      thinkingUnknown,
      options: this.#options,
    });
    if (!inputReported) return event;
    // The input side is Anthropic's own (message_start), cache reads included: not unknown.
    const { cached_tokens_unknown: _unknown, ...data } = event.data;
    return { ...event, data: data as UsageEvent['data'] };
  }

  #readClock(): string {
    if (!this.#options.now) {
      throw new UsageEventError({
        field: 'options.now',
        message: 'Anthropic streams carry no time: pass options.now, e.g. () => new Date()',
      });
    }
    return convertTime({ value: this.#options.now(), field: 'options.now' });
  }

  #estimate(): { tokens: UsageRecord; thinkingUnknown: boolean; inputReported: boolean } {
    const blocks = [...this.#blocks.values()].map((block) => ({
      type: block.type,
      text: block.text,
      thinking: block.thinking,
      name: block.name,
      input: block.json === '' ? block.startInput : block.json,
      content: block.content,
    }));
    const start = this.#startUsage;
    const reported = start
      ? safeConvertUsage(() => convertAnthropicUsage({ usage: start }))
      : undefined;
    const floor = reported?.success ? reported.value.completion_tokens : 0;
    const estimate = estimateAnthropicMessageTokens({
      request: this.#request,
      content: blocks,
      outputFloor: floor,
    });
    const calls = this.#serverToolCalls();
    if (!reported?.success) {
      return {
        tokens: { ...estimate.tokens, ...calls },
        thinkingUnknown: estimate.thinkingUnknown,
        inputReported: false,
      };
    }
    const completion = estimate.tokens.completion_tokens;
    const input = reported.value;
    return {
      tokens: {
        ...input,
        ...calls,
        completion_tokens: completion,
        total_tokens: input.prompt_tokens + completion,
        reasoning_tokens: 0,
      },
      thinkingUnknown: estimate.thinkingUnknown,
      inputReported: true,
    };
  }

  // The web searches and fetches the stream showed before it ended: a floor of those billed.
  #serverToolCalls(): Pick<UsageRecord, 'web_search_calls' | 'web_fetch_calls'> {
    let searches = 0;
    let fetches = 0;
    for (const block of this.#blocks.values()) {
      if (block.type !== 'server_tool_use') continue;
      if (block.name === 'web_search') searches += 1;
      if (block.name === 'web_fetch') fetches += 1;
    }
    return {
      ...(searches > 0 ? { web_search_calls: searches } : {}),
      ...(fetches > 0 ? { web_fetch_calls: fetches } : {}),
    };
  }

  #readStart(message: AnthropicMessageLike | null | undefined): void {
    if (typeof message !== 'object' || message === null) return;
    if (this.#id === undefined && typeof message.id === 'string' && message.id)
      this.#id = message.id;
    if (this.#model === undefined && typeof message.model === 'string' && message.model) {
      this.#model = message.model;
    }
    const usage = message.usage;
    if (typeof usage === 'object' && usage !== null && !Array.isArray(usage)) {
      this.#startUsage = usage;
    }
  }

  #startBlock(event: AnthropicStreamEventLike): void {
    const block = event.content_block;
    if (typeof block !== 'object' || block === null) return;
    const index = typeof event.index === 'number' ? event.index : this.#blocks.size;
    this.#blocks.set(index, {
      type: typeof block.type === 'string' ? block.type : '',
      text: typeof block.text === 'string' ? block.text : '',
      thinking: typeof block.thinking === 'string' ? block.thinking : '',
      name: typeof block.name === 'string' ? block.name : undefined,
      json: '',
      startInput: block.input,
      content: typeof block.content === 'string' ? block.content : '',
    });
  }

  #appendDelta(event: AnthropicStreamEventLike): void {
    const delta = event.delta;
    if (typeof delta !== 'object' || delta === null) return;
    const index = typeof event.index === 'number' ? event.index : -1;
    let block = this.#blocks.get(index);
    if (block === undefined) {
      // A delta whose block start was lost still carries billed text.
      block = {
        type: '',
        text: '',
        thinking: '',
        name: undefined,
        json: '',
        startInput: undefined,
        content: '',
      };
      this.#blocks.set(index, block);
    }
    switch (delta.type) {
      case 'text_delta':
        if (typeof delta.text === 'string') block.text += delta.text;
        if (block.type === '') block.type = 'text';
        break;
      case 'thinking_delta':
        if (typeof delta.thinking === 'string') block.thinking += delta.thinking;
        if (block.type === '') block.type = 'thinking';
        break;
      case 'input_json_delta':
        if (typeof delta.partial_json === 'string') block.json += delta.partial_json;
        if (block.type === '') block.type = 'tool_use';
        break;
      case 'compaction_delta':
        if (typeof delta.content === 'string') block.content += delta.content;
        if (block.type === '') block.type = 'compaction';
        break;
      default:
      // signature_delta and citations_delta add no output text of their own.
    }
  }
}
