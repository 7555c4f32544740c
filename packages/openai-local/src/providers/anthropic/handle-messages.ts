import { createHash } from 'node:crypto';
import { getTokenizer } from '@llm-meter/meter-core';
import { splitIntoTokenPieces } from '../../generation/split-into-token-chunks.js';
import { stableStringify } from '../../generation/stable-stringify.js';
import type { BilledOutcome } from '../../ledger/billed-request.js';
import type { RequestContext } from '../../server/request-context.js';
import { countAnthropicPrompt } from './count-anthropic-prompt.js';
import { type AnthropicAnswer, createAnthropicAnswer } from './create-anthropic-answer.js';
import type { CacheUse } from './create-anthropic-prompt-cache.js';
import { parseMessagesRequest } from './parse-messages-request.js';

// Fields that change how the answer is delivered, not what it says: a streamed and a blocking
// answer to the same request are the same text.
const deliveryFields = new Set(['stream', 'metadata', 'service_tier']);

// message_start carries a small placeholder output count, as Anthropic's does.
const placeholderOutputTokens = 1;

function createUsage({
  promptTokens,
  cache,
  outputTokens,
  thinkingTokens,
  thinking,
}: {
  promptTokens: number;
  cache: CacheUse;
  outputTokens: number;
  thinkingTokens: number;
  thinking: boolean;
}) {
  return {
    input_tokens: promptTokens - cache.read - cache.write5m - cache.write1h,
    cache_creation_input_tokens: cache.write5m + cache.write1h,
    cache_read_input_tokens: cache.read,
    cache_creation: {
      ephemeral_5m_input_tokens: cache.write5m,
      ephemeral_1h_input_tokens: cache.write1h,
    },
    output_tokens: outputTokens,
    ...(thinking ? { output_tokens_details: { thinking_tokens: thinkingTokens } } : {}),
    service_tier: 'standard',
    inference_geo: 'not_available',
  };
}

function signatureOf(text: string): string {
  return createHash('sha512').update(`openai-local:${text}`).digest('base64');
}

function contentOf({
  answer,
  toolUseId,
}: {
  answer: AnthropicAnswer;
  toolUseId: string | undefined;
}): Array<Record<string, unknown>> {
  const content: Array<Record<string, unknown>> = [];
  if (answer.thinking !== undefined) {
    content.push({
      type: 'thinking',
      thinking: answer.thinking,
      signature: signatureOf(answer.thinking),
    });
  }
  if (answer.toolCall !== undefined) {
    content.push({
      type: 'tool_use',
      id: toolUseId,
      name: answer.toolCall.name,
      input: JSON.parse(answer.text) as unknown,
    });
  } else {
    content.push({ type: 'text', text: answer.text });
  }
  return content;
}

/**
 * Answers Anthropic's `POST /v1/messages`, blocking or streamed with Anthropic's event sequence
 * (`message_start` with the input side of the usage, `content_block_start` / `_delta` / `_stop`
 * per block, `ping`, `message_delta` with the cumulative usage, `message_stop`). Prompt caching
 * follows the request's `cache_control` breakpoints; extended thinking streams a thinking block
 * first. Bills the whole prompt and the output generated: everything, or for a stream that ended
 * early the tokens sent (at least message_start's placeholder).
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export async function handleMessages(context: RequestContext): Promise<void> {
  const request = parseMessagesRequest(context.body);
  const prompt = countAnthropicPrompt(context.body);
  const cache = context.anthropicPromptCache.use({
    model: request.model,
    units: prompt.units,
    now: context.now(),
  });
  const key = stableStringify(
    Object.fromEntries(
      Object.entries(context.body).filter(([field]) => !deliveryFields.has(field)),
    ),
  );
  const answer = createAnthropicAnswer({ key: `${context.seed}:${key}`, request });
  const id = context.createId('anthropic-message');
  const toolUseId =
    answer.toolCall === undefined ? undefined : context.createId('anthropic-tool-use');
  const thinking = request.thinkingBudget !== undefined;
  const fullOutputTokens = answer.thinkingTokens + answer.textTokens;
  const usageFor = ({
    outputTokens,
    thinkingTokens,
  }: {
    outputTokens: number;
    thinkingTokens: number;
  }) =>
    createUsage({
      promptTokens: prompt.totalTokens,
      cache,
      outputTokens,
      thinkingTokens,
      thinking,
    });
  const bill = ({
    outcome,
    outputTokens,
    thinkingTokens,
  }: {
    outcome: BilledOutcome;
    outputTokens: number;
    thinkingTokens: number;
  }) =>
    context.bill({
      id,
      endpoint: 'messages',
      provider: 'anthropic',
      model: request.model.snapshot,
      service_tier: 'standard',
      outcome,
      input_tokens: prompt.totalTokens,
      input_cached_tokens: cache.read,
      input_cache_write_5m_tokens: cache.write5m,
      input_cache_write_1h_tokens: cache.write1h,
      output_tokens: outputTokens,
      reasoning_tokens: thinkingTokens,
      object: null,
    });
  const fullOutcome: BilledOutcome =
    answer.stopReason === 'max_tokens' ? 'incomplete' : 'completed';
  const message = (content: unknown[], stopReason: string | null, usage: unknown) => ({
    id,
    type: 'message',
    role: 'assistant',
    model: request.model.snapshot,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  });

  if (!request.stream) {
    bill({
      outcome: fullOutcome,
      outputTokens: fullOutputTokens,
      thinkingTokens: answer.thinkingTokens,
    });
    context.sendJson({
      body: message(
        contentOf({ answer, toolUseId }),
        answer.stopReason,
        usageFor({ outputTokens: fullOutputTokens, thinkingTokens: answer.thinkingTokens }),
      ),
    });
    return;
  }

  const stream = context.openEventStream();
  const sent = { started: false, thinkingTokens: 0, textTokens: 0 };
  const send = (event: string, data: Record<string, unknown>) =>
    stream.send({ event, data: { type: event, ...data } });
  const tokenizer = getTokenizer('o200k_base');
  try {
    await (async () => {
      const startUsage = usageFor({
        outputTokens: placeholderOutputTokens,
        thinkingTokens: 0,
      });
      const { output_tokens_details: _details, inference_geo: _geo, ...startFields } = startUsage;
      if (!(await send('message_start', { message: message([], null, startFields) }))) return;
      sent.started = true;
      let index = 0;
      let pinged = false;
      const ping = async () => {
        if (pinged) return true;
        pinged = true;
        return await send('ping', {});
      };
      if (answer.thinking !== undefined) {
        if (
          !(await send('content_block_start', {
            index,
            content_block: { type: 'thinking', thinking: '', signature: '' },
          }))
        )
          return;
        if (!(await ping())) return;
        for (const piece of splitIntoTokenPieces({ text: answer.thinking, tokenizer })) {
          if (!(await stream.pace())) return;
          if (
            !(await send('content_block_delta', {
              index,
              delta: { type: 'thinking_delta', thinking: piece.text },
            }))
          )
            return;
          sent.thinkingTokens += piece.tokens;
        }
        if (
          !(await send('content_block_delta', {
            index,
            delta: { type: 'signature_delta', signature: signatureOf(answer.thinking) },
          }))
        )
          return;
        if (!(await send('content_block_stop', { index }))) return;
        index += 1;
      }
      const block =
        answer.toolCall === undefined
          ? { type: 'text', text: '' }
          : { type: 'tool_use', id: toolUseId, name: answer.toolCall.name, input: {} };
      if (!(await send('content_block_start', { index, content_block: block }))) return;
      if (!(await ping())) return;
      for (const piece of splitIntoTokenPieces({ text: answer.text, tokenizer })) {
        if (!(await stream.pace())) return;
        const delta =
          answer.toolCall === undefined
            ? { type: 'text_delta', text: piece.text }
            : { type: 'input_json_delta', partial_json: piece.text };
        if (!(await send('content_block_delta', { index, delta }))) return;
        sent.textTokens += piece.tokens;
      }
      if (!(await send('content_block_stop', { index }))) return;
      if (context.fault.omitUsage !== true) {
        const finalUsage = usageFor({
          outputTokens: fullOutputTokens,
          thinkingTokens: answer.thinkingTokens,
        });
        if (
          !(await send('message_delta', {
            delta: { stop_reason: answer.stopReason, stop_sequence: null },
            usage: {
              input_tokens: finalUsage.input_tokens,
              cache_creation_input_tokens: finalUsage.cache_creation_input_tokens,
              cache_read_input_tokens: finalUsage.cache_read_input_tokens,
              output_tokens: finalUsage.output_tokens,
            },
          }))
        )
          return;
        if (!(await send('message_stop', {}))) return;
      }
      await stream.end();
    })();
  } finally {
    const state = stream.state();
    if (state === 'ended') {
      bill({
        outcome: fullOutcome,
        outputTokens: fullOutputTokens,
        thinkingTokens: answer.thinkingTokens,
      });
    } else {
      const generated = sent.thinkingTokens + sent.textTokens;
      bill({
        outcome: state === 'dropped' ? 'failed' : 'aborted',
        outputTokens: sent.started ? Math.max(placeholderOutputTokens, generated) : 0,
        thinkingTokens: sent.thinkingTokens,
      });
    }
  }
}
