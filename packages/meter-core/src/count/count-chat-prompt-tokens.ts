import { encodingForModel } from '../tokenizer/encoding-for-model.js';
import { getTokenizer, type Tokenizer } from '../tokenizer/get-tokenizer.js';
import { type ChatPromptRules, chatPromptRulesForModel } from './chat-prompt-rules.js';
import {
  countFunctionDefinitionTokens,
  type FunctionDefinitionInput,
} from './count-function-definition-tokens.js';
import { countImageTokens } from './count-image-tokens.js';
import {
  countResponseFormatTokens,
  type ResponseFormatInput,
} from './count-response-format-tokens.js';
import type { CountOptions } from './count-tokens.js';
import { countToolCallTokens } from './count-tool-call-tokens.js';
import { readImageDimensions } from './read-image-dimensions.js';

/**
 * One part of a message's `content` array, declaring only the fields the estimate reads.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export interface ChatPromptContentPart {
  type?: string | null | undefined;
  text?: string | null | undefined;
  refusal?: string | null | undefined;
  image_url?: { url?: string | null | undefined; detail?: string | null | undefined } | null;
  input_audio?: unknown;
  file?: unknown;
}

/**
 * One message of a chat completion request, declaring only the fields the estimate reads.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export interface ChatPromptMessage {
  role?: string | null | undefined;
  content?: string | ReadonlyArray<ChatPromptContentPart> | null | undefined;
  name?: string | null | undefined;
  refusal?: string | null | undefined;
  audio?: unknown;
  tool_calls?:
    | ReadonlyArray<{
        type?: string | null | undefined;
        function?: { name?: string | null | undefined; arguments?: string | null | undefined };
      }>
    | null
    | undefined;
  function_call?: {
    name?: string | null | undefined;
    arguments?: string | null | undefined;
  } | null;
}

/**
 * The body sent to `chat.completions.create`, declaring only the fields the estimate reads.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export interface ChatPromptRequest {
  model?: string | null | undefined;
  messages?: ReadonlyArray<ChatPromptMessage> | null | undefined;
  tools?:
    | ReadonlyArray<{ type?: string | null | undefined; function?: FunctionDefinitionInput }>
    | null
    | undefined;
  functions?: ReadonlyArray<FunctionDefinitionInput> | null | undefined;
  response_format?: ResponseFormatInput | null | undefined;
}

/**
 * Kinds of prompt input whose token cost the estimate cannot know.
 * @see https://platform.openai.com/docs/guides/images-vision#calculating-costs
 */
export type ExcludedPromptPartKind =
  | 'image'
  | 'audio'
  | 'file'
  | 'tool'
  | 'response_format'
  | 'content_part';

/**
 * One part of the prompt left out of the estimate: where it is (a JSONPath-like path into the
 * request), what it is, and why it is not counted.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export interface ExcludedPromptPart {
  path: string;
  kind: ExcludedPromptPartKind;
  reason: string;
}

/**
 * Estimated prompt tokens of a chat completion request, with the parts it could not count.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export interface ChatPromptTokenCount {
  tokens: number;
  excluded: ExcludedPromptPart[];
}

function countContentPart({
  part,
  path,
  model,
  tokenizer,
  excluded,
}: {
  part: ChatPromptContentPart;
  path: string;
  model: string;
  tokenizer: Tokenizer;
  excluded: ExcludedPromptPart[];
}): number {
  switch (part.type) {
    case 'text':
      return tokenizer.count(part.text ?? '');
    case 'refusal':
      return tokenizer.count(part.refusal ?? '');
    case 'image_url': {
      const image = part.image_url;
      const tokens = countImageTokens({
        model,
        detail: image?.detail,
        dimensions: readImageDimensions(image?.url ?? ''),
      });
      if (tokens !== undefined) return tokens;
      excluded.push({
        path,
        kind: 'image',
        reason: (image?.url ?? '').startsWith('data:')
          ? `image token pricing of ${JSON.stringify(model)} is not known here, or the image size is unreadable`
          : 'image token cost depends on its size, which a remote image URL does not carry',
      });
      return 0;
    }
    case 'input_audio':
      excluded.push({ path, kind: 'audio', reason: 'audio input is billed by duration' });
      return 0;
    case 'file':
      excluded.push({ path, kind: 'file', reason: 'file contents are not in the request body' });
      return 0;
    default:
      excluded.push({
        path,
        kind: 'content_part',
        reason: `unknown content part type ${JSON.stringify(part.type)}`,
      });
      return 0;
  }
}

function countMessage({
  message,
  path,
  model,
  tokenizer,
  rules,
  excluded,
}: {
  message: ChatPromptMessage;
  path: string;
  model: string;
  tokenizer: Tokenizer;
  rules: ChatPromptRules;
  excluded: ExcludedPromptPart[];
}): number {
  let tokens = tokenizer.count(message.role ?? '');
  const content = message.content;
  if (typeof content === 'string') {
    tokens += tokenizer.count(content);
  } else if (Array.isArray(content)) {
    content.forEach((part: ChatPromptContentPart, index: number) => {
      tokens += countContentPart({
        part,
        path: `${path}.content[${index}]`,
        model,
        tokenizer,
        excluded,
      });
    });
  }
  if (typeof message.name === 'string') {
    tokens += rules.tokensPerName + tokenizer.count(message.name);
  }
  if (typeof message.refusal === 'string') tokens += tokenizer.count(message.refusal);
  if (message.audio != null) {
    excluded.push({
      path: `${path}.audio`,
      kind: 'audio',
      reason: 'a previous audio reply is referenced by id only',
    });
  }
  const calls = [
    ...(message.tool_calls ?? []).map((call) => call.function),
    message.function_call,
  ].filter((call) => call != null);
  tokens += countToolCallTokens({ calls, tokenizer }) + calls.length * rules.toolCallExtra;
  return tokens;
}

function collectFunctions({
  request,
  excluded,
}: {
  request: ChatPromptRequest;
  excluded: ExcludedPromptPart[];
}): FunctionDefinitionInput[] {
  const functions: FunctionDefinitionInput[] = [...(request.functions ?? [])];
  (request.tools ?? []).forEach((tool, index) => {
    if (tool.function != null && (tool.type ?? 'function') === 'function') {
      functions.push(tool.function);
    } else {
      excluded.push({
        path: `tools[${index}]`,
        kind: 'tool',
        reason: `no published token formula for tools of type ${JSON.stringify(tool.type)}`,
      });
    }
  });
  return functions;
}

/**
 * Estimates `usage.prompt_tokens` of a chat completion request with OpenAI's published accounting:
 * message text plus per-message and per-name overhead, reply priming, and the tools/functions
 * formula, and inline images' published tile cost where the model's is known. Other images,
 * audio and files are listed in `excluded` rather than guessed. Throws
 * `UnknownModelError` when the model is unknown and no encoding is given.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
export function countChatPromptTokens(
  request: ChatPromptRequest,
  options?: CountOptions,
): ChatPromptTokenCount {
  const model = request.model ?? '';
  const encoding = options?.encoding ?? encodingForModel(model);
  const tokenizer = getTokenizer(encoding);
  const rules = chatPromptRulesForModel(model);
  const excluded: ExcludedPromptPart[] = [];
  let tokens = rules.replyPriming;
  (request.messages ?? []).forEach((message, index) => {
    tokens += rules.tokensPerMessage;
    tokens += countMessage({
      message,
      path: `messages[${index}]`,
      model,
      tokenizer,
      rules,
      excluded,
    });
  });
  const hasSystemMessage = (request.messages ?? []).some(
    (message) => message.role === 'system' || message.role === 'developer',
  );
  const functions = collectFunctions({ request, excluded });
  if (functions.length > 0) tokens += rules.toolsPreamble;
  tokens += countFunctionDefinitionTokens({
    functions,
    hasSystemMessage,
    tokenizer,
  });
  if (request.response_format != null) {
    const responseFormatTokens = countResponseFormatTokens({
      responseFormat: request.response_format,
      // Tool definitions, when present, already opened the system message the schema joins.
      hasSystemMessage: hasSystemMessage || functions.length > 0,
      tokenizer,
    });
    if (responseFormatTokens === undefined) {
      excluded.push({
        path: 'response_format',
        kind: 'response_format',
        reason: `no token formula for response_format ${JSON.stringify(request.response_format.type)}`,
      });
    } else {
      tokens += responseFormatTokens;
    }
  }
  return { tokens, excluded };
}
