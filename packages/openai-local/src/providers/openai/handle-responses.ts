import {
  countResponsesPromptTokens,
  getTokenizer,
  type ResponsesPromptRequest,
} from '@llm-meter/meter-core';
import { convertResponsesRequest } from '@llm-meter/meter-core/internal';
import { countCachedTokens } from '../../generation/count-cached-tokens.js';
import { createAnswer } from '../../generation/create-answer.js';
import { splitIntoTokenPieces } from '../../generation/split-into-token-chunks.js';
import { stableStringify } from '../../generation/stable-stringify.js';
import type { RequestContext } from '../../server/request-context.js';
import { parseResponsesRequest } from './parse-responses-request.js';
import { isRecord } from './request-fields.js';
import { resolveServiceTier } from './resolve-service-tier.js';

// Fields that change delivery or the cut, not the text (see handle-chat-completions.ts).
const deliveryFields = new Set([
  'stream',
  'stream_options',
  'max_output_tokens',
  'store',
  'metadata',
  'user',
  'background',
  'include',
  'service_tier',
]);

/**
 * Answers `POST /v1/responses`, blocking or streamed with the full event sequence
 * (`response.created` … `response.completed`, or `response.incomplete` when cut by
 * `max_output_tokens`), each event with its `sequence_number`. The no-usage fault leaves out the
 * terminal event, the only one that carries usage.
 */
export async function handleResponses(context: RequestContext): Promise<void> {
  const { body } = context;
  const parsed = parseResponsesRequest({ body, models: context.models });
  const serviceTier = resolveServiceTier({
    requested: body.service_tier,
    forced: context.forcedServiceTier,
  });
  // The count meter-core estimates Responses prompts with, so both sides agree.
  const chatBody = convertResponsesRequest(body as ResponsesPromptRequest);
  const inputTokens = countResponsesPromptTokens(body as ResponsesPromptRequest, {
    encoding: parsed.model.encoding,
  }).tokens;
  const cachedTokens = countCachedTokens({
    promptCache: context.promptCache,
    model: parsed.model,
    promptText:
      (chatBody.tools === undefined ? '' : stableStringify(chatBody.tools)) +
      (chatBody.messages ?? []).map((message) => stableStringify(message)).join('\n'),
    promptTokens: inputTokens,
  });
  const key = stableStringify(
    Object.fromEntries(Object.entries(body).filter(([field]) => !deliveryFields.has(field))),
  );
  const answer = createAnswer({
    key: `${context.seed}:0:${key}`,
    model: parsed.model,
    format: parsed.format,
    toolCall: parsed.forcedTool,
    maxTokens: parsed.maxOutputTokens,
    reasoningEffort: parsed.reasoningEffort,
    // OpenAI's output_tokens exceed the message text by one token per output message (seen on
    // every recorded exchange; meter-core's estimate adds the same).
    messageFraming: 1,
  });
  const outputTokens = answer.outputTokens + answer.framingTokens + answer.reasoningTokens;
  const createUsage = (billedOutputTokens: number) => ({
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cachedTokens },
    output_tokens: billedOutputTokens,
    output_tokens_details: { reasoning_tokens: answer.reasoningTokens },
    total_tokens: inputTokens + billedOutputTokens,
  });
  const usage = createUsage(outputTokens);
  const status = answer.truncated ? 'incomplete' : 'completed';
  const responseId = context.createId('resp');
  const reasoningItem = parsed.model.reasoning
    ? { id: context.createId('rs'), type: 'reasoning', summary: [] }
    : undefined;
  const itemId = answer.toolCall === undefined ? context.createId('msg') : context.createId('fc');
  const callId = answer.toolCall === undefined ? undefined : context.createId('call');
  const messageItem = (text: string, itemStatus: string) =>
    answer.toolCall === undefined
      ? {
          id: itemId,
          type: 'message',
          status: itemStatus,
          content:
            itemStatus === 'in_progress'
              ? []
              : [{ type: 'output_text', annotations: [], logprobs: [], text }],
          role: 'assistant',
        }
      : {
          id: itemId,
          type: 'function_call',
          status: itemStatus,
          arguments: text,
          call_id: callId,
          name: answer.toolCall.name,
        };
  const finalItems = [
    ...(reasoningItem ? [reasoningItem] : []),
    messageItem(answer.text, answer.truncated ? 'incomplete' : 'completed'),
  ];
  const reasoning = isRecord(body.reasoning) ? body.reasoning : {};
  const responseObject = (
    state: 'in_progress' | 'completed' | 'incomplete' | 'failed',
    output: unknown[],
    finalUsage: unknown,
    // Why it ended early: the token limit (OpenAI's `incomplete_details`), or a stream that the
    // client left or the server broke off.
    ending: 'max_output_tokens' | 'aborted' | 'failed' = 'max_output_tokens',
  ) => ({
    id: responseId,
    object: 'response',
    created_at: context.createdAt,
    status: state,
    background: false,
    completed_at: state === 'completed' ? Math.floor(context.now().getTime() / 1000) : null,
    error:
      ending === 'failed'
        ? {
            code: 'server_error',
            message:
              'The stream broke off before the response was complete (openai-local drop fault).',
          }
        : null,
    incomplete_details:
      state === 'incomplete' && ending === 'max_output_tokens'
        ? { reason: 'max_output_tokens' }
        : null,
    instructions: body.instructions ?? null,
    max_output_tokens: parsed.maxOutputTokens ?? null,
    max_tool_calls: null,
    model: parsed.model.snapshot,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: {
      effort: parsed.model.reasoning ? (parsed.reasoningEffort ?? 'medium') : null,
      summary: reasoning.summary ?? null,
    },
    safety_identifier: null,
    service_tier: serviceTier,
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: {
      format:
        isRecord(body.text) && isRecord(body.text.format) ? body.text.format : { type: 'text' },
      verbosity: 'medium',
    },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_logprobs: 0,
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: finalUsage,
    user: null,
    metadata: isRecord(body.metadata) ? body.metadata : {},
  });

  const bill = ({
    outcome,
    billedOutputTokens,
    object,
  }: {
    outcome: 'completed' | 'incomplete' | 'aborted' | 'failed';
    billedOutputTokens: number;
    object: Record<string, unknown>;
  }) =>
    context.bill({
      id: responseId,
      endpoint: 'responses',
      model: parsed.model.snapshot,
      service_tier: serviceTier,
      outcome,
      input_tokens: inputTokens,
      input_cached_tokens: cachedTokens,
      output_tokens: billedOutputTokens,
      reasoning_tokens: answer.reasoningTokens,
      // Responses are stored unless the request says `store: false`, as OpenAI does.
      object: body.store === false ? null : object,
    });

  if (!parsed.stream) {
    const object = responseObject(status, finalItems, usage);
    bill({ outcome: status, billedOutputTokens: outputTokens, object });
    context.sendJson({ body: object });
    return;
  }

  const stream = context.openEventStream();
  // What the stream has generated so far: billed as is if it ends early.
  let sentText = '';
  let sentTokens = 0;
  let itemStarted = false;
  const run = async (): Promise<void> => {
    if (body.store !== false) {
      context.markInProgress({ id: responseId, object: responseObject('in_progress', [], null) });
    }
    let sequenceNumber = 0;
    const emit = (type: string, fields: Record<string, unknown>) =>
      stream.send({ event: type, data: { type, ...fields, sequence_number: sequenceNumber++ } });
    if (!(await emit('response.created', { response: responseObject('in_progress', [], null) })))
      return;
    if (
      !(await emit('response.in_progress', { response: responseObject('in_progress', [], null) }))
    )
      return;
    let outputIndex = 0;
    if (reasoningItem !== undefined) {
      if (
        !(await emit('response.output_item.added', {
          item: reasoningItem,
          output_index: outputIndex,
        }))
      )
        return;
      if (
        !(await emit('response.output_item.done', {
          item: reasoningItem,
          output_index: outputIndex,
        }))
      )
        return;
      outputIndex += 1;
    }
    const itemStatus = answer.truncated ? 'incomplete' : 'completed';
    const pieces = splitIntoTokenPieces({
      text: answer.text,
      tokenizer: getTokenizer(parsed.model.encoding),
    });
    const where = { item_id: itemId, output_index: outputIndex };
    if (
      !(await emit('response.output_item.added', {
        item: messageItem('', 'in_progress'),
        output_index: outputIndex,
      }))
    )
      return;
    itemStarted = true;
    if (answer.toolCall === undefined) {
      const part = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text });
      if (
        !(await emit('response.content_part.added', { content_index: 0, ...where, part: part('') }))
      )
        return;
      for (const piece of pieces) {
        if (!(await stream.pace())) return;
        if (
          !(await emit('response.output_text.delta', {
            content_index: 0,
            delta: piece.text,
            ...where,
            logprobs: [],
          }))
        )
          return;
        sentText += piece.text;
        sentTokens += piece.tokens;
      }
      if (
        !(await emit('response.output_text.done', {
          content_index: 0,
          ...where,
          logprobs: [],
          text: answer.text,
        }))
      )
        return;
      if (
        !(await emit('response.content_part.done', {
          content_index: 0,
          ...where,
          part: part(answer.text),
        }))
      )
        return;
    } else {
      for (const piece of pieces) {
        if (!(await stream.pace())) return;
        if (
          !(await emit('response.function_call_arguments.delta', { delta: piece.text, ...where }))
        )
          return;
        sentText += piece.text;
        sentTokens += piece.tokens;
      }
      if (
        !(await emit('response.function_call_arguments.done', { arguments: answer.text, ...where }))
      )
        return;
    }
    if (
      !(await emit('response.output_item.done', {
        item: messageItem(answer.text, itemStatus),
        output_index: outputIndex,
      }))
    )
      return;
    // Responses carry usage only on the terminal event, so a lost usage is a missing terminal
    // event: the stream ends right after the output item (no-usage fault).
    if (
      context.fault.omitUsage !== true &&
      !(await emit(`response.${status}`, { response: responseObject(status, finalItems, usage) }))
    )
      return;
    await stream.end();
  };
  try {
    await run();
  } finally {
    const state = stream.state();
    if (state === 'ended') {
      bill({
        outcome: status,
        billedOutputTokens: outputTokens,
        object: responseObject(status, finalItems, usage),
      });
    } else {
      // Reasoning comes before the first visible token; the message's framing token comes with
      // its output item.
      const billedOutputTokens =
        answer.reasoningTokens + sentTokens + (itemStarted ? answer.framingTokens : 0);
      const ending = state === 'dropped' ? 'failed' : 'aborted';
      bill({
        outcome: ending,
        billedOutputTokens,
        object: responseObject(
          ending === 'failed' ? 'failed' : 'incomplete',
          [
            ...(reasoningItem ? [reasoningItem] : []),
            ...(itemStarted ? [messageItem(sentText, 'incomplete')] : []),
          ],
          createUsage(billedOutputTokens),
          ending,
        ),
      });
    }
  }
}
