import type { CountOptions } from '../../../tokenizer/count-tokens.js';
import { encodingForModel } from '../../../tokenizer/encoding-for-model.js';
import { getTokenizer, type Tokenizer } from '../../../tokenizer/get-tokenizer.js';
import { type ChatPromptRules, chatPromptRulesForModel } from './chat-prompt-rules.js';
import {
  createFunctionDefinitionSection,
  type FunctionDefinitionInput,
} from './count-function-definition-tokens.js';
import { countImageTokens } from './count-image-tokens.js';
import {
  createResponseFormatSection,
  type ResponseFormatInput,
} from './count-response-format-tokens.js';
import { countToolCallTokens, countToolResultTokens } from './count-tool-call-tokens.js';
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
  /** The call a `tool` message answers. */
  tool_call_id?: string | null | undefined;
  tool_calls?:
    | ReadonlyArray<{
        id?: string | null | undefined;
        type?: string | null | undefined;
        function?: { name?: string | null | undefined; arguments?: string | null | undefined };
        /**
         * Set by the conversion of a Responses request: whether the `function_call` input item
         * carried the `id` of the item OpenAI stored (absent on chat requests).
         */
        stored?: boolean | undefined;
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
  tool_choice?:
    | string
    | { type?: string | null | undefined; function?: { name?: string | null | undefined } | null }
    | null
    | undefined;
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
  | 'content_part'
  | 'input_item'
  | 'previous_response';

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

function hasText(content: ChatPromptMessage['content']): boolean {
  if (typeof content === 'string') return content !== '';
  return (content ?? []).some((part) => part.type === 'text' && (part.text ?? '') !== '');
}

// A call counted on its own (the Responses API's turns): a call sent without the id of a stored
// item counts its arguments as sent, with its own framing (`ChatPromptRules.unstoredCall`).
function countSeparateCall({
  call,
  tokenizer,
  rules,
}: {
  call: NonNullable<ChatPromptMessage['tool_calls']>[number];
  tokenizer: Tokenizer;
  rules: ChatPromptRules;
}): number {
  if (call.function == null) return 0;
  const unstored = rules.unstoredCall !== undefined && call.stored === false;
  return (
    countToolCallTokens({ calls: [call.function], tokenizer, argumentsAsSent: unstored }) +
    (unstored ? (rules.unstoredCall?.extra ?? 0) : 0)
  );
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
  let tokens = rules.tokensPerMessage + tokenizer.count(message.role ?? '');
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
  // A `tool` message's own name costs nothing: it answers from the called function's name.
  if (typeof message.name === 'string' && message.role !== 'tool') {
    tokens += rules.tokensPerName + tokenizer.count(message.name);
  }
  if (typeof message.refusal === 'string') tokens += tokenizer.count(message.refusal);
  if (message.role === 'assistant' && hasText(content)) tokens += rules.assistantTextExtra;
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
  tokens += rules.wrapsParallelCallsInHistory
    ? countToolCallTokens({ calls, tokenizer })
    : (message.tool_calls ?? []).reduce(
        (sum, call) => sum + countSeparateCall({ call, tokenizer, rules }),
        0,
      );
  tokens += calls.length * rules.toolCallExtra + (calls.length > 0 ? rules.callTurnExtra : 0);
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

interface SystemSection {
  text: string;
  adjustment: number;
}

function collectSystemSections({
  request,
  rules,
  excluded,
}: {
  request: ChatPromptRequest;
  rules: ChatPromptRules;
  excluded: ExcludedPromptPart[];
}): SystemSection[] {
  const sections: SystemSection[] = [];
  const tools = createFunctionDefinitionSection(collectFunctions({ request, excluded }));
  if (tools !== undefined) {
    sections.push({ ...tools, adjustment: tools.adjustment + rules.toolsPreamble });
  }
  if (request.response_format != null) {
    const responseFormat = createResponseFormatSection(request.response_format);
    if (responseFormat === undefined) {
      excluded.push({
        path: 'response_format',
        kind: 'response_format',
        reason: `no token formula for response_format ${JSON.stringify(request.response_format.type)}`,
      });
    } else if (responseFormat !== null) {
      // Fitted: the response format's framing tokens are not counted when tools precede it.
      const framing =
        responseFormat.adjustment + (responseFormat.commented ? 0 : rules.uncommentedFormatExtra);
      const adjustment = (tools === undefined ? framing : 0) + rules.responseFormatExtra;
      sections.push({ ...responseFormat, adjustment });
    }
  }
  return sections;
}

// The text the sections are appended to: a string content, or the last text part.
function systemTextOf(message: ChatPromptMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  const texts = (content ?? []).filter((part) => part.type === 'text');
  return texts[texts.length - 1]?.text ?? '';
}

// Tools and the response format are rendered into the first system (or developer) message,
// after its text and separated by blank lines; with none, a system message of their own is added.
function countSystemSections({
  request,
  sections,
  tokenizer,
  rules,
}: {
  request: ChatPromptRequest;
  sections: readonly SystemSection[];
  tokenizer: Tokenizer;
  rules: ChatPromptRules;
}): number {
  if (sections.length === 0) return 0;
  const joined = sections.map((section) => section.text).join('\n\n');
  const adjustment = sections.reduce((sum, section) => sum + section.adjustment, 0);
  const system = (request.messages ?? []).find(
    (message) => message.role === 'system' || message.role === 'developer',
  );
  if (system === undefined) {
    return (
      rules.tokensPerMessage +
      tokenizer.count('system') +
      tokenizer.count(joined) +
      adjustment +
      rules.sectionsAdjustment.ownMessage
    );
  }
  const text = systemTextOf(system);
  const header = tokenizer.count(rules.instructionsHeader);
  return (
    tokenizer.count(`${text}\n\n${joined}`) -
    tokenizer.count(text) +
    header +
    adjustment +
    rules.sectionsAdjustment.joined
  );
}

// Fitted: naming the function the model must call costs its recipient name plus 6 tokens.
const namedToolChoiceFraming = 6;

function countToolChoiceTokens({
  request,
  tokenizer,
  rules,
}: {
  request: ChatPromptRequest;
  tokenizer: Tokenizer;
  rules: ChatPromptRules;
}): number {
  if (!rules.promptsNamedToolChoice) return 0;
  const choice = request.tool_choice;
  if (typeof choice !== 'object' || choice === null || choice.type !== 'function') return 0;
  return tokenizer.count(`functions.${choice.function?.name ?? ''}`) + namedToolChoiceFraming;
}

function collectCallNames(messages: ReadonlyArray<ChatPromptMessage>): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const call of message.tool_calls ?? []) {
      if (typeof call.id === 'string') names.set(call.id, call.function?.name ?? '');
    }
  }
  return names;
}

/**
 * Thrown when a request cannot be counted as a chat prompt, naming the field that is wrong.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export class ChatPromptRequestError extends TypeError {
  override name = 'ChatPromptRequestError' as const;
}

/**
 * Returns the `messages` of a chat completion request; throws `ChatPromptRequestError` when
 * there is no `messages` array, naming the caller and, for a legacy completions body (`prompt`), what to
 * use instead: its usage cannot be estimated as a chat prompt, and a silent 0 would go unbilled.
 */
export function requireChatMessages({
  request,
  caller,
}: {
  request: unknown;
  caller: string;
}): readonly ChatPromptMessage[] {
  const body = request as { messages?: unknown; prompt?: unknown } | null | undefined;
  if (typeof body === 'object' && body !== null && Array.isArray(body.messages)) {
    return body.messages as readonly ChatPromptMessage[];
  }
  const legacy = typeof body === 'object' && body !== null && body.prompt !== undefined;
  throw new ChatPromptRequestError(
    `${caller}: the request has no \`messages\` array${
      legacy
        ? ' (it is a legacy completions request with a `prompt`, whose text_completion chunks a chat meter cannot estimate; meter its final usage with toUsageEvent, or count the prompt with countTokens)'
        : ''
    }. Pass the body sent to chat.completions.create.`,
  );
}

/**
 * Estimates `usage.prompt_tokens` of a chat completion request the way OpenAI's chat format
 * counts it: message text plus per-message and per-name overhead, reply priming, tools and the
 * JSON schema rendered into the first system message, a named `tool_choice`, function calls and
 * tool results in the history, and inline images' published tile cost where the model's is
 * known. Other images, audio and files are listed in `excluded` rather than guessed. Throws
 * `ChatPromptRequestError` for a request without `messages` (a legacy completions `prompt` is
 * not a chat prompt) and `UnknownModelError` when the model is unknown and no encoding is given.
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
export function countChatPromptTokens(
  request: ChatPromptRequest,
  options?: CountOptions,
): ChatPromptTokenCount {
  return countPromptWithRules({
    request,
    options,
    rules: chatPromptRulesForModel(request.model ?? ''),
    caller: 'countChatPromptTokens',
  });
}

/**
 * Counts a prompt in the chat request shape with the given format costs: the chat format's
 * (`countChatPromptTokens`) or the Responses API's (`countResponsesPromptTokens`).
 */
export function countPromptWithRules({
  request,
  options,
  rules,
  caller,
}: {
  request: ChatPromptRequest;
  options?: CountOptions | undefined;
  rules: ChatPromptRules;
  caller: string;
}): ChatPromptTokenCount {
  const messages = requireChatMessages({ request, caller });
  const model = request.model ?? '';
  const encoding = options?.encoding ?? encodingForModel(model);
  const tokenizer = getTokenizer(encoding);
  const excluded: ExcludedPromptPart[] = [];
  const callNames = collectCallNames(messages);
  let tokens = rules.replyPriming;
  messages.forEach((message, index) => {
    tokens += countMessage({
      message,
      path: `messages[${index}]`,
      model,
      tokenizer,
      rules,
      excluded,
    });
    if (message.role === 'tool') {
      const functionName = callNames.get(message.tool_call_id ?? '') ?? message.name ?? '';
      tokens += countToolResultTokens({ functionName, tokenizer });
    }
  });
  const sections = collectSystemSections({ request, rules, excluded });
  tokens += countSystemSections({ request, sections, tokenizer, rules });
  tokens += countToolChoiceTokens({ request, tokenizer, rules });
  return { tokens, excluded };
}
