import { getTokenizer } from '@llm-meter/meter-core';
import { chatPromptRulesForModel, countOutputToolCallTokens } from '@llm-meter/meter-core/internal';
import type { ResolvedModel } from '../server/request-context.js';
import { createJsonFromSchema } from './create-json-from-schema.js';
import { createSeededRandom } from './create-seeded-random.js';
import { generateSentences } from './generate-sentences.js';
import { truncateToTokens } from './split-into-token-chunks.js';

/**
 * What the answer must look like: free text, any JSON object, or JSON for a schema.
 */
export type AnswerFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; schema: unknown };

/**
 * One generated answer: either text or a single function call, with its token counts.
 */
export interface Answer {
  /** The visible text, or the call's JSON arguments for a tool call. */
  text: string;
  toolCall?: { name: string } | undefined;
  /** Tokens of `text`: exactly what is streamed. */
  outputTokens: number;
  /** Hidden reasoning tokens, counted in the completion but never streamed. */
  reasoningTokens: number;
  /** Billed tokens around the text that are not streamed as text (call recipient, message framing). */
  framingTokens: number;
  /** True when cut by the token limit (`finish_reason: "length"`, `status: "incomplete"`). */
  truncated: boolean;
}

function reasoningBudget({ effort, key }: { effort: string | undefined; key: string }): number {
  const random = createSeededRandom(`reasoning:${key}`);
  // OpenAI reports reasoning in multiples of 64 tokens; more effort, more thinking.
  const [minimum, maximum] =
    effort === 'minimal' || effort === 'none'
      ? [0, 0]
      : effort === 'low'
        ? [1, 3]
        : effort === 'high'
          ? [6, 20]
          : [2, 8];
  return random.integer({ min: minimum, max: maximum }) * 64;
}

/**
 * Generates the deterministic answer for a request: the same key (request hash + server seed +
 * choice index) always gives the same text, reasoning and cut.
 */
export function createAnswer({
  key,
  model,
  format,
  toolCall,
  maxTokens,
  reasoningEffort,
  messageFraming = 0,
}: {
  key: string;
  model: ResolvedModel;
  format: AnswerFormat;
  toolCall?: { name: string; parameters: unknown } | undefined;
  maxTokens?: number | undefined;
  reasoningEffort?: string | undefined;
  /** Extra tokens billed per text message (the Responses API bills 1 per output message). */
  messageFraming?: number | undefined;
}): Answer {
  const random = createSeededRandom(key);
  let fullText: string;
  if (toolCall !== undefined) {
    fullText = JSON.stringify(createJsonFromSchema({ schema: toolCall.parameters ?? {}, random }));
  } else if (format.type === 'json_schema') {
    fullText = JSON.stringify(createJsonFromSchema({ schema: format.schema, random }));
  } else if (format.type === 'json_object') {
    fullText = JSON.stringify({ answer: generateSentences({ random, maxSentences: 2 }) });
  } else {
    fullText = generateSentences({ random });
  }
  const tokenizer = getTokenizer(model.encoding);
  const wantedReasoning = model.reasoning ? reasoningBudget({ effort: reasoningEffort, key }) : 0;
  const reasoningTokens =
    maxTokens === undefined ? wantedReasoning : Math.min(wantedReasoning, maxTokens);
  // OpenAI bills a call's recipient (`functions.<name>`) and a few framing tokens besides its
  // arguments, the framing meter-core fitted on the recorded completions.
  const wantedFraming =
    toolCall === undefined
      ? messageFraming
      : messageFraming +
        countOutputToolCallTokens({
          calls: [{ name: toolCall.name, arguments: '' }],
          tokenizer,
          rules: chatPromptRulesForModel(model.snapshot),
        }).tokens;
  const remaining =
    maxTokens === undefined ? Number.POSITIVE_INFINITY : maxTokens - reasoningTokens;
  const framingTokens = Math.min(wantedFraming, remaining);
  const cut = truncateToTokens({ text: fullText, maxTokens: remaining - framingTokens, tokenizer });
  return {
    text: cut.text,
    toolCall: toolCall === undefined ? undefined : { name: toolCall.name },
    outputTokens: cut.tokens,
    reasoningTokens,
    framingTokens,
    truncated: cut.truncated || reasoningTokens < wantedReasoning || framingTokens < wantedFraming,
  };
}
