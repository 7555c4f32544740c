import type { UsageEvent } from '../../../events/usage-event.js';
import type { StreamEndReason, StreamMeterOptions } from '../../../stream/stream-meter-options.js';
import { countResponsesPromptTokens } from '../count/count-responses-prompt-tokens.js';
import type { ResponsesPromptRequest } from '../events/convert-responses-request.js';
import {
  convertResponsesUsage,
  type OpenAIResponsesUsage,
} from '../events/convert-responses-usage.js';
import { estimateResponsesTokens } from '../events/estimate-response-tokens.js';
import { countPromptOnce, finishOpenAIStream } from './finish-openai-stream.js';

/**
 * One event of a Responses API stream, declaring only the fields the meter reads.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export interface ResponseStreamEventLike {
  type?: string | null | undefined;
  response?:
    | {
        id?: string | null | undefined;
        created_at?: number | null | undefined;
        model?: string | null | undefined;
        usage?: OpenAIResponsesUsage | null | undefined;
        service_tier?: string | null | undefined;
      }
    | null
    | undefined;
  output_index?: number | null | undefined;
  content_index?: number | null | undefined;
  item_id?: string | null | undefined;
  delta?: unknown;
  item?:
    | {
        id?: string | null | undefined;
        type?: string | null | undefined;
        name?: string | null | undefined;
      }
    | null
    | undefined;
}

// Deltas of text the model generates and is billed for as output tokens. Reasoning summaries and
// audio are left out: their billing cannot be estimated from the text.
const billedDeltaTypes = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.code_interpreter_call_code.delta',
  'response.mcp_call_arguments.delta',
]);

// Deltas of a function call's arguments or a custom tool's input: counted with the call's name
// and its fitted framing.
const callDeltaTypes = new Set([
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
]);
const callItemTypes = new Set(['function_call', 'custom_tool_call']);

const identityTypes = new Set(['response.created', 'response.in_progress', 'response.queued']);
const terminalTypes = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Push-based usage meter for one Responses API stream, with no I/O: `push` every event, then
 * `finish` once. Usage comes from `response.completed`, `response.incomplete` or
 * `response.failed`; without it the output deltas, accumulated per output item and encoded once,
 * and the request's input make an estimate.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export class ResponsesStreamMeter {
  readonly #request: ResponsesPromptRequest;
  readonly #options: StreamMeterOptions;
  readonly #texts = new Map<string, string>();
  readonly #messageItems = new Set<string>();
  readonly #calls = new Map<string, { name: string; arguments: string }>();
  readonly #countPrompt = countPromptOnce(
    (encoding) => countResponsesPromptTokens(this.#request, { encoding }).tokens,
  );
  #id: string | undefined;
  #createdAt: number | undefined;
  #model: string | undefined;
  #serviceTier: string | undefined;
  #usage: OpenAIResponsesUsage | undefined;
  #terminal = false;
  #eventCount = 0;

  constructor({
    request,
    options,
  }: { request: ResponsesPromptRequest; options: StreamMeterOptions }) {
    this.#request = request;
    this.#options = options;
  }

  /** Number of events pushed so far. */
  get eventCount(): number {
    return this.#eventCount;
  }

  /** Whether a terminal event with usage has arrived. */
  get hasProviderUsage(): boolean {
    return this.#usage !== undefined;
  }

  /** Records one stream event; never throws, whatever the event looks like. */
  push(event: ResponseStreamEventLike): void {
    this.#eventCount += 1;
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string') return;
    const type = event.type;
    if (identityTypes.has(type) || terminalTypes.has(type)) {
      const response = event.response;
      if (response && typeof response === 'object') {
        // The terminal event is authoritative; earlier events only fill gaps.
        const override = terminalTypes.has(type);
        if (
          (override || this.#id === undefined) &&
          typeof response.id === 'string' &&
          response.id
        ) {
          this.#id = response.id;
        }
        if (
          (override || this.#createdAt === undefined) &&
          typeof response.created_at === 'number'
        ) {
          this.#createdAt = response.created_at;
        }
        if (
          (override || this.#model === undefined) &&
          typeof response.model === 'string' &&
          response.model
        ) {
          this.#model = response.model;
        }
        // `response.created` echoes the requested tier (`auto` when none was requested, which
        // is no tier and is skipped); the terminal event names the tier that served it.
        if (
          (override || this.#serviceTier === undefined) &&
          typeof response.service_tier === 'string' &&
          response.service_tier &&
          response.service_tier !== 'auto'
        ) {
          this.#serviceTier = response.service_tier;
        }
        if (override && response.usage && typeof response.usage === 'object') {
          this.#usage = response.usage;
        }
      }
      if (terminalTypes.has(type)) this.#terminal = true;
      return;
    }
    if (type === 'response.output_item.added' && event.item?.type === 'message') {
      this.#messageItems.add(
        String(event.item.id ?? event.output_index ?? this.#messageItems.size),
      );
    }
    if (type === 'response.output_item.added' && callItemTypes.has(event.item?.type ?? '')) {
      const call = this.#call(String(event.item?.id ?? event.output_index ?? this.#calls.size));
      if (typeof event.item?.name === 'string') call.name = event.item.name;
      return;
    }
    if (callDeltaTypes.has(type) && typeof event.delta === 'string') {
      this.#call(String(event.item_id ?? event.output_index ?? 0)).arguments += event.delta;
      return;
    }
    if (billedDeltaTypes.has(type) && typeof event.delta === 'string') {
      const key = `${type}:${event.item_id ?? event.output_index ?? 0}:${event.content_index ?? 0}`;
      this.#texts.set(key, (this.#texts.get(key) ?? '') + event.delta);
      return;
    }
    if (type === 'response.output_item.added' && typeof event.item?.name === 'string') {
      // Names of other tool calls (MCP) are generated output too.
      this.#texts.set(`name:${event.output_index ?? this.#texts.size}`, event.item.name);
    }
  }

  /**
   * Builds the usage event: provider usage from the terminal event, else an estimate whose
   * reason follows from `reason` and whether a terminal event arrived. Throws `UsageEventError`
   * when no id or time is known, or the usage is malformed.
   */
  finish({ reason }: { reason: StreamEndReason }): UsageEvent {
    return finishOpenAIStream({
      id: this.#id,
      created: this.#createdAt,
      createdField: 'created_at',
      usage: this.#usage,
      convertUsage: convertResponsesUsage,
      estimate: () =>
        estimateResponsesTokens({
          request: this.#request,
          outputTexts: this.#texts.values(),
          outputMessageCount: this.#messageItems.size,
          toolCalls: [...this.#calls.values()],
          model: this.#model,
          encoding: this.#options.encoding,
          countPrompt: this.#countPrompt,
        }),
      estimateReason: () =>
        reason !== 'completed' ? reason : this.#terminal ? 'no_usage_chunk' : 'aborted',
      model: this.#model,
      requestedModel: this.#request.model,
      serviceTier: this.#serviceTier,
      endpoint: 'responses',
      options: this.#options,
    });
  }

  #call(key: string): { name: string; arguments: string } {
    let call = this.#calls.get(key);
    if (call === undefined) {
      call = { name: '', arguments: '' };
      this.#calls.set(key, call);
    }
    return call;
  }
}
