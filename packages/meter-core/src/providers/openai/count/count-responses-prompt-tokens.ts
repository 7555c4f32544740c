import type { CountOptions } from '../../../tokenizer/count-tokens.js';
import {
  convertResponsesRequest,
  type ResponsesInputItem,
  type ResponsesPromptRequest,
} from '../events/convert-responses-request.js';
import { responsesPromptRulesForModel } from './chat-prompt-rules.js';
import {
  type ChatPromptTokenCount,
  countPromptWithRules,
  type ExcludedPromptPart,
} from './count-chat-prompt-tokens.js';

// Input items the conversion renders as messages; any other item (reasoning, built-in tool
// calls and their outputs, item references) is not in the count.
const convertedItemTypes = new Set<unknown>([
  undefined,
  null,
  'message',
  'function_call',
  'function_call_output',
]);

function collectExcludedInput(request: ResponsesPromptRequest): ExcludedPromptPart[] {
  const excluded: ExcludedPromptPart[] = [];
  if (request.previous_response_id != null) {
    excluded.push({
      path: 'previous_response_id',
      kind: 'previous_response',
      reason:
        "the earlier response's input and output are stored by OpenAI and billed again as input, but are not in this request",
    });
  }
  const input = request.input;
  if (Array.isArray(input)) {
    (input as ReadonlyArray<ResponsesInputItem>).forEach((item, index) => {
      if (!convertedItemTypes.has(item.type)) {
        excluded.push({
          path: `input[${index}]`,
          kind: 'input_item',
          reason: `no token formula for input items of type ${JSON.stringify(item.type)}`,
        });
      }
    });
  }
  return excluded;
}

/**
 * Estimates `usage.input_tokens` of a Responses request: `instructions`, the input items, the
 * function tools and a `text.format` counted the way the chat format counts their chat
 * equivalents (PROMPT-FORMAT.md). What cannot be known from the request is listed in
 * `excluded`, never guessed: a `previous_response_id` (the stored conversation is billed but not
 * sent), built-in tools, and input items other than messages, function calls and their outputs.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function countResponsesPromptTokens(
  request: ResponsesPromptRequest,
  options?: CountOptions,
): ChatPromptTokenCount {
  const count = countPromptWithRules({
    request: convertResponsesRequest(request),
    options,
    rules: responsesPromptRulesForModel(request.model ?? ''),
    caller: 'countResponsesPromptTokens',
  });
  return { tokens: count.tokens, excluded: [...count.excluded, ...collectExcludedInput(request)] };
}
