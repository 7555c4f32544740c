import { countChatPromptTokens, getTokenizer } from '@llm-meter/meter-core';
import { countCachedTokens } from '../../generation/count-cached-tokens.js';
import { type Answer, createAnswer } from '../../generation/create-answer.js';
import type { EventStream } from '../../generation/create-event-stream.js';
import { splitIntoTokenPieces, type TokenPiece } from '../../generation/split-into-token-chunks.js';
import { stableStringify } from '../../generation/stable-stringify.js';
import type { RequestContext } from '../../server/request-context.js';
import { createSystemFingerprint } from './create-system-fingerprint.js';
import { type ChatRequest, parseChatRequest } from './parse-chat-request.js';
import { resolveServiceTier } from './resolve-service-tier.js';

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
  promptTokens,
  cachedTokens,
  reasoningTokens,
  completionTokens,
}: {
  promptTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  completionTokens: number;
}) {
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
 * `[DONE]`), with usage counted by meter-core and `service_tier` as served. Bills what it
 * generated: everything, or for a stream that ended early the tokens sent up to that point; with
 * `store: true` the completion can be retrieved.
 */
export async function handleChatCompletions(context: RequestContext): Promise<void> {
  const chat = parseChatRequest({ body: context.body, models: context.models });
  const serviceTier = resolveServiceTier({
    requested: context.body.service_tier,
    forced: context.forcedServiceTier,
  });
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
  const reasoningTokens = answers.reduce((sum, answer) => sum + answer.reasoningTokens, 0);
  const fullCompletionTokens =
    answers.reduce((sum, answer) => sum + answer.outputTokens + answer.framingTokens, 0) +
    reasoningTokens;
  const usage = createChatUsage({
    promptTokens,
    cachedTokens,
    reasoningTokens,
    completionTokens: fullCompletionTokens,
  });
  const id = context.createId('chatcmpl');
  const systemFingerprint = createSystemFingerprint(chat.model.snapshot);
  const callIds = answers.map((answer) =>
    answer.toolCall === undefined ? undefined : context.createId('call'),
  );
  const completionObject = ({
    texts,
    finished,
    finalUsage,
  }: {
    texts: string[];
    finished: boolean;
    finalUsage: ReturnType<typeof createChatUsage>;
  }) => ({
    id,
    object: 'chat.completion',
    created: context.createdAt,
    model: chat.model.snapshot,
    choices: answers.map((answer, index) => ({
      index,
      message:
        answer.toolCall === undefined
          ? { role: 'assistant', content: texts[index] ?? '', refusal: null, annotations: [] }
          : {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: callIds[index],
                  type: 'function',
                  function: { name: answer.toolCall.name, arguments: texts[index] ?? '' },
                },
              ],
              refusal: null,
              annotations: [],
            },
      logprobs: null,
      // A stream that ended early has no finish reason (chat completions have no status field).
      finish_reason: finished ? finishReason(answer) : null,
    })),
    usage: finalUsage,
    service_tier: serviceTier,
    system_fingerprint: systemFingerprint,
  });
  const bill = ({
    outcome,
    completionTokens,
    object,
  }: {
    outcome: 'completed' | 'incomplete' | 'aborted' | 'failed';
    completionTokens: number;
    object: Record<string, unknown>;
  }) =>
    context.bill({
      id,
      endpoint: 'chat.completions',
      model: chat.model.snapshot,
      service_tier: serviceTier,
      outcome,
      input_tokens: promptTokens,
      input_cached_tokens: cachedTokens,
      output_tokens: completionTokens,
      reasoning_tokens: reasoningTokens,
      object: context.body.store === true ? object : null,
    });
  const fullOutcome = answers.some((answer) => answer.truncated) ? 'incomplete' : 'completed';

  if (!chat.stream) {
    const object = completionObject({
      texts: answers.map((answer) => answer.text),
      finished: true,
      finalUsage: usage,
    });
    bill({ outcome: fullOutcome, completionTokens: fullCompletionTokens, object });
    context.sendJson({ body: object });
    return;
  }

  const stream = context.openEventStream();
  const tokenizer = getTokenizer(chat.model.encoding);
  const pieces = answers.map((answer) => splitIntoTokenPieces({ text: answer.text, tokenizer }));
  // What each choice has generated so far: billed as is if the stream ends early.
  const sentTexts = answers.map(() => '');
  const sentTokens = answers.map(() => 0);
  const started = answers.map(() => false);
  try {
    await streamChat({
      context,
      chat,
      stream,
      answers,
      pieces,
      usage,
      serviceTier,
      id,
      systemFingerprint,
      callIds,
      sentTexts,
      sentTokens,
      started,
    });
  } finally {
    const state = stream.state();
    if (state === 'ended') {
      bill({
        outcome: fullOutcome,
        completionTokens: fullCompletionTokens,
        object: completionObject({
          texts: answers.map((answer) => answer.text),
          finished: true,
          finalUsage: usage,
        }),
      });
    } else {
      // Reasoning happens before the first visible token; framing (a call's name) comes with
      // the first chunk of its choice.
      const completionTokens =
        reasoningTokens +
        answers.reduce(
          (sum, answer, index) =>
            sum + (sentTokens[index] ?? 0) + (started[index] === true ? answer.framingTokens : 0),
          0,
        );
      bill({
        outcome: state === 'dropped' ? 'failed' : 'aborted',
        completionTokens,
        object: completionObject({
          texts: sentTexts,
          finished: false,
          finalUsage: createChatUsage({
            promptTokens,
            cachedTokens,
            reasoningTokens,
            completionTokens,
          }),
        }),
      });
    }
  }
}

async function streamChat({
  context,
  chat,
  stream,
  answers,
  pieces,
  usage,
  serviceTier,
  id,
  systemFingerprint,
  callIds,
  sentTexts,
  sentTokens,
  started,
}: {
  context: RequestContext;
  chat: ChatRequest;
  stream: EventStream;
  answers: Answer[];
  pieces: TokenPiece[][];
  usage: ReturnType<typeof createChatUsage>;
  serviceTier: string;
  id: string;
  systemFingerprint: string;
  callIds: Array<string | undefined>;
  sentTexts: string[];
  sentTokens: number[];
  started: boolean[];
}): Promise<void> {
  const chunk = (choices: unknown[], chunkUsage: unknown = null) => ({
    id,
    object: 'chat.completion.chunk',
    created: context.createdAt,
    model: chat.model.snapshot,
    service_tier: serviceTier,
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
    started[index] = true;
  }
  const rounds = Math.max(0, ...pieces.map((list) => list.length));
  for (let round = 0; round < rounds; round += 1) {
    if (!(await stream.pace())) return;
    for (const [index, answer] of answers.entries()) {
      const piece = pieces[index]?.[round];
      if (piece === undefined) continue;
      const delta =
        answer.toolCall === undefined
          ? { content: piece.text }
          : { tool_calls: [{ index: 0, function: { arguments: piece.text } }] };
      if (!(await stream.send({ data: chunk([choice(index, delta)]) }))) return;
      sentTexts[index] += piece.text;
      sentTokens[index] = (sentTokens[index] ?? 0) + piece.tokens;
    }
  }
  for (const [index, answer] of answers.entries()) {
    if (!(await stream.send({ data: chunk([choice(index, {}, finishReason(answer))]) }))) return;
  }
  if (chat.includeUsage && context.fault.omitUsage !== true) {
    if (!(await stream.send({ data: chunk([], usage) }))) return;
  }
  if (!(await stream.send({ data: '[DONE]' }))) return;
  await stream.end();
}
