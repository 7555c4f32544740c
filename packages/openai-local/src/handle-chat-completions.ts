import { countChatPromptTokens, getTokenizer } from '@llm-meter/meter-core';
import { countCachedTokens } from './count-cached-tokens.js';
import { type Answer, createAnswer } from './create-answer.js';
import { createEventStream } from './create-event-stream.js';
import { createSystemFingerprint } from './create-system-fingerprint.js';
import { type ChatRequest, parseChatRequest } from './parse-chat-request.js';
import type { RequestContext } from './request-context.js';
import { splitIntoTokenChunks } from './split-into-token-chunks.js';
import { stableStringify } from './stable-stringify.js';

// Fields that change how the answer is delivered or cut, not what it says: the streamed and the
// blocking answer to the same request are the same text, and a cut answer is a prefix.
const deliveryFields = new Set([
  'stream',
  'stream_options',
  'n',
  'max_tokens',
  'max_completion_tokens',
  'user',
  'metadata',
  'store',
  'service_tier',
]);

function createChatUsage({
  answers,
  promptTokens,
  cachedTokens,
}: {
  answers: Answer[];
  promptTokens: number;
  cachedTokens: number;
}) {
  const reasoningTokens = answers.reduce((sum, answer) => sum + answer.reasoningTokens, 0);
  const completionTokens =
    answers.reduce((sum, answer) => sum + answer.outputTokens + answer.framingTokens, 0) +
    reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function finishReason(answer: Answer): 'length' | 'tool_calls' | 'stop' {
  if (answer.truncated) return 'length';
  return answer.toolCall === undefined ? 'stop' : 'tool_calls';
}

function planAnswers({ context, chat }: { context: RequestContext; chat: ChatRequest }): Answer[] {
  const key = stableStringify(
    Object.fromEntries(
      Object.entries(context.body).filter(([field]) => !deliveryFields.has(field)),
    ),
  );
  return Array.from({ length: chat.n }, (_, index) =>
    createAnswer({
      key: `${context.seed}:${index}:${key}`,
      model: chat.model,
      format: chat.format,
      toolCall: chat.forcedTool,
      maxTokens: chat.maxTokens,
      reasoningEffort: chat.reasoningEffort,
    }),
  );
}

/**
 * Answers `POST /v1/chat/completions`, blocking or streamed (one token per chunk, a final
 * `finish_reason` chunk per choice, the usage chunk with `stream_options.include_usage`, then
 * `[DONE]`), with usage counted by meter-core.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export async function handleChatCompletions(context: RequestContext): Promise<void> {
  const chat = parseChatRequest(context.body);
  const promptTokens = countChatPromptTokens(
    context.body as Parameters<typeof countChatPromptTokens>[0],
    {
      encoding: chat.model.encoding,
    },
  ).tokens;
  const tools = context.body.tools === undefined ? '' : stableStringify(context.body.tools);
  const cachedTokens = countCachedTokens({
    promptCache: context.promptCache,
    model: chat.model,
    promptText: tools + chat.messages.map((message) => stableStringify(message)).join('\n'),
    promptTokens,
  });
  const answers = planAnswers({ context, chat });
  const usage = createChatUsage({ answers, promptTokens, cachedTokens });
  const id = context.createId('chatcmpl');
  const systemFingerprint = createSystemFingerprint(chat.model.snapshot);
  const callIds = answers.map((answer) =>
    answer.toolCall === undefined ? undefined : context.createId('call'),
  );

  if (!chat.stream) {
    context.sendJson({
      body: {
        id,
        object: 'chat.completion',
        created: context.createdAt,
        model: chat.model.snapshot,
        choices: answers.map((answer, index) => ({
          index,
          message:
            answer.toolCall === undefined
              ? { role: 'assistant', content: answer.text, refusal: null, annotations: [] }
              : {
                  role: 'assistant',
                  content: null,
                  tool_calls: [
                    {
                      id: callIds[index],
                      type: 'function',
                      function: { name: answer.toolCall.name, arguments: answer.text },
                    },
                  ],
                  refusal: null,
                  annotations: [],
                },
          logprobs: null,
          finish_reason: finishReason(answer),
        })),
        usage,
        service_tier: 'default',
        system_fingerprint: systemFingerprint,
      },
    });
    return;
  }

  const stream = createEventStream({
    response: context.response,
    signal: context.signal,
    fault: context.fault,
    tokensPerSecond: context.tokensPerSecond,
    headers: context.headers(),
  });
  const chunk = (choices: unknown[], chunkUsage: unknown = null) => ({
    id,
    object: 'chat.completion.chunk',
    created: context.createdAt,
    model: chat.model.snapshot,
    service_tier: 'default',
    system_fingerprint: systemFingerprint,
    choices,
    ...(chat.includeUsage ? { usage: chunkUsage } : {}),
  });
  const choice = (index: number, delta: unknown, finish: string | null = null) => ({
    index,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const tokenizer = getTokenizer(chat.model.encoding);
  const pieces = answers.map((answer) => splitIntoTokenChunks({ text: answer.text, tokenizer }));

  for (const [index, answer] of answers.entries()) {
    const delta =
      answer.toolCall === undefined
        ? { role: 'assistant', content: '', refusal: null }
        : {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                index: 0,
                id: callIds[index],
                type: 'function',
                function: { name: answer.toolCall.name, arguments: '' },
              },
            ],
            refusal: null,
          };
    if (!(await stream.send({ data: chunk([choice(index, delta)]) }))) return;
  }
  const rounds = Math.max(0, ...pieces.map((list) => list.length));
  for (let round = 0; round < rounds; round += 1) {
    if (!(await stream.pace())) return;
    for (const [index, answer] of answers.entries()) {
      const piece = pieces[index]?.[round];
      if (piece === undefined) continue;
      const delta =
        answer.toolCall === undefined
          ? { content: piece }
          : { tool_calls: [{ index: 0, function: { arguments: piece } }] };
      if (!(await stream.send({ data: chunk([choice(index, delta)]) }))) return;
    }
  }
  for (const [index, answer] of answers.entries()) {
    if (!(await stream.send({ data: chunk([choice(index, {}, finishReason(answer))]) }))) return;
  }
  if (chat.includeUsage && context.fault.omitUsage !== true) {
    if (!(await stream.send({ data: chunk([], usage) }))) return;
  }
  if (!(await stream.send({ data: '[DONE]' }))) return;
  stream.end();
}
