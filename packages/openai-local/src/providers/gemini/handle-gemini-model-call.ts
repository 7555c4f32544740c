import { getTokenizer } from '@llm-meter/meter-core';
import { splitIntoTokenPieces } from '../../generation/split-into-token-chunks.js';
import { stableStringify } from '../../generation/stable-stringify.js';
import type { BilledOutcome } from '../../ledger/billed-request.js';
import type { RequestContext } from '../../server/request-context.js';
import { countGeminiPrompt } from './count-gemini-prompt.js';
import { createGeminiAnswer, type GeminiAnswer } from './create-gemini-answer.js';
import { createUsageMetadata } from './create-usage-metadata.js';
import { GeminiError } from './gemini-error.js';
import { type GeminiModel, resolveGeminiModel } from './gemini-models.js';

// Tokens per streamed chunk: Gemini streams text in pieces of several tokens.
const tokensPerChunk = 8;

function partsOf({ answer, text }: { answer: GeminiAnswer; text: string }): unknown[] {
  if (answer.functionCall !== undefined) {
    return [
      {
        functionCall: { name: answer.functionCall.name, args: JSON.parse(answer.text) as unknown },
      },
    ];
  }
  return text === '' ? [] : [{ text }];
}

/**
 * Answers Gemini's `POST /v1beta/models/{model}:{method}`: `generateContent`,
 * `streamGenerateContent` (`alt=sse` as server-sent events, otherwise one JSON array sent as it
 * grows) and `countTokens`. Every chunk of a stream carries the cumulative `usageMetadata`, the
 * last one the final counts and the `finishReason`. Prompts of 1,024 tokens or more hit an
 * implicit cache on repeats (`cachedContentTokenCount`). Bills the prompt, the thinking and the
 * candidates generated: everything, or for a stream that ended early the tokens sent.
 * @see https://ai.google.dev/api/generate-content
 */
export async function handleGeminiModelCall({
  context,
  apiVersion,
  call,
  query,
}: {
  context: RequestContext;
  /** `v1beta` or `v1`, for error messages. */
  apiVersion: string;
  call: string;
  query: URLSearchParams;
}): Promise<void> {
  const separator = call.lastIndexOf(':');
  const modelId = separator < 0 ? call : call.slice(0, separator);
  const method = separator < 0 ? '' : call.slice(separator + 1);
  if (
    method !== 'generateContent' &&
    method !== 'streamGenerateContent' &&
    method !== 'countTokens'
  ) {
    throw new GeminiError({
      status: 404,
      message: `Method "${method}" of models/${modelId} (${apiVersion}) is not simulated: openai-local answers generateContent, streamGenerateContent and countTokens.`,
    });
  }
  const model = resolveGeminiModel({ model: modelId, method, apiVersion });
  if (method === 'countTokens') {
    const request =
      context.body.generateContentRequest !== null &&
      typeof context.body.generateContentRequest === 'object'
        ? (context.body.generateContentRequest as Record<string, unknown>)
        : context.body;
    const { tokens } = countGeminiPrompt(request);
    context.sendJson({
      body: {
        totalTokens: tokens,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: tokens }],
      },
    });
    return;
  }
  await generateContent({
    context,
    model,
    stream: method === 'streamGenerateContent',
    framing: query.get('alt') === 'sse' ? 'sse' : 'json-array',
  });
}

async function generateContent({
  context,
  model,
  stream: streamed,
  framing,
}: {
  context: RequestContext;
  model: GeminiModel;
  stream: boolean;
  framing: 'sse' | 'json-array';
}): Promise<void> {
  const contents = context.body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    throw new GeminiError({
      status: 400,
      message: '* GenerateContentRequest.contents: contents is not specified',
    });
  }
  const prompt = countGeminiPrompt(context.body);
  const tokenizer = getTokenizer('o200k_base');
  const cachedTokens =
    prompt.tokens < 1024
      ? 0
      : Math.min(
          prompt.tokens,
          context.promptCache.lookupAndStore({
            model: `gemini:${model.id}`,
            tokens: tokenizer.encode(prompt.text),
          }),
        );
  const answer = createGeminiAnswer({
    key: `${context.seed}:${model.id}:${stableStringify(context.body)}`,
    model,
    body: context.body,
  });
  const responseId = context.createId('gemini-response');
  const usage = (candidatesTokens: number) =>
    createUsageMetadata({
      promptTokens: prompt.tokens,
      cachedTokens,
      candidatesTokens,
      thoughtsTokens: answer.thoughtsTokens,
    });
  const bill = ({
    outcome,
    candidatesTokens,
  }: {
    outcome: BilledOutcome;
    candidatesTokens: number;
  }) =>
    context.bill({
      id: responseId,
      endpoint: 'generateContent',
      provider: 'gemini',
      model: model.id,
      service_tier: 'standard',
      outcome,
      input_tokens: prompt.tokens,
      input_cached_tokens: cachedTokens,
      output_tokens: candidatesTokens + answer.thoughtsTokens,
      reasoning_tokens: answer.thoughtsTokens,
      object: null,
    });
  const fullOutcome: BilledOutcome =
    answer.finishReason === 'MAX_TOKENS' ? 'incomplete' : 'completed';
  const response = ({
    parts,
    finished,
    usageMetadata,
  }: {
    parts: unknown[];
    finished: boolean;
    usageMetadata: Record<string, unknown> | undefined;
  }) => ({
    candidates: [
      {
        content: parts.length === 0 ? { role: 'model' } : { parts, role: 'model' },
        ...(finished ? { finishReason: answer.finishReason } : {}),
        index: 0,
      },
    ],
    ...(usageMetadata === undefined ? {} : { usageMetadata }),
    modelVersion: model.id,
    responseId,
  });
  const thoughtParts =
    answer.thoughtSummary === undefined ? [] : [{ text: answer.thoughtSummary, thought: true }];

  if (!streamed) {
    bill({ outcome: fullOutcome, candidatesTokens: answer.candidatesTokens });
    context.sendJson({
      body: response({
        parts: [...thoughtParts, ...partsOf({ answer, text: answer.text })],
        finished: true,
        usageMetadata: usage(answer.candidatesTokens),
      }),
    });
    return;
  }

  const stream = context.openEventStream({ framing });
  const withUsage = (candidatesTokens: number) =>
    context.fault.omitUsage === true ? undefined : usage(candidatesTokens);
  let sentTokens = 0;
  try {
    await (async () => {
      if (thoughtParts.length > 0) {
        if (!(await stream.pace())) return;
        const data = response({
          parts: thoughtParts,
          finished: false,
          usageMetadata: withUsage(0),
        });
        if (!(await stream.send({ data }))) return;
      }
      if (answer.functionCall !== undefined) {
        if (!(await stream.pace())) return;
        const data = response({
          parts: partsOf({ answer, text: answer.text }),
          finished: true,
          usageMetadata: withUsage(answer.candidatesTokens),
        });
        if (!(await stream.send({ data }))) return;
        sentTokens = answer.candidatesTokens;
        await stream.end();
        return;
      }
      const pieces = splitIntoTokenPieces({ text: answer.text, tokenizer });
      let text = '';
      let tokens = 0;
      for (const [index, piece] of pieces.entries()) {
        if (!(await stream.pace())) return;
        text += piece.text;
        tokens += piece.tokens;
        const last = index === pieces.length - 1;
        if (tokens < tokensPerChunk && !last) continue;
        const data = response({
          parts: [{ text }],
          finished: last,
          usageMetadata: withUsage(sentTokens + tokens),
        });
        if (!(await stream.send({ data }))) return;
        sentTokens += tokens;
        text = '';
        tokens = 0;
      }
      if (pieces.length === 0) {
        const data = response({ parts: [], finished: true, usageMetadata: withUsage(0) });
        if (!(await stream.send({ data }))) return;
      }
      await stream.end();
    })();
  } finally {
    const state = stream.state();
    if (state === 'ended')
      bill({ outcome: fullOutcome, candidatesTokens: answer.candidatesTokens });
    else
      bill({ outcome: state === 'dropped' ? 'failed' : 'aborted', candidatesTokens: sentTokens });
  }
}
