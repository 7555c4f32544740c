import type { AnswerFormat } from '../../generation/create-answer.js';
import type { ResolvedModel } from '../../server/request-context.js';
import { isReasoningModel, resolveModelSnapshot } from './known-models.js';
import { createInvalidRequestError } from './openai-error.js';
import { isRecord, readModel, readPositiveInteger } from './request-fields.js';
import { resolveModelEncoding } from './resolve-model-encoding.js';

const roles = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

/**
 * The fields of a chat completion request that shape the answer, validated.
 */
export interface ChatRequest {
  model: ResolvedModel;
  messages: Array<Record<string, unknown>>;
  n: number;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
  format: AnswerFormat;
  /** The function the model must call, or undefined for a text answer. */
  forcedTool: { name: string; parameters: unknown } | undefined;
  reasoningEffort: string | undefined;
}

function readFunctionTools(body: Record<string, unknown>): Map<string, unknown> {
  const tools = new Map<string, unknown>();
  if (body.tools === undefined || body.tools === null) return tools;
  if (!Array.isArray(body.tools)) {
    throw createInvalidRequestError({
      param: 'tools',
      message: "Invalid type for 'tools': expected an array of tools.",
    });
  }
  body.tools.forEach((tool: unknown, index) => {
    if (!isRecord(tool) || tool.type !== 'function') return;
    const definition = tool.function;
    if (!isRecord(definition) || typeof definition.name !== 'string' || definition.name === '') {
      throw createInvalidRequestError({
        param: `tools[${index}].function.name`,
        message: `Missing required parameter: 'tools[${index}].function.name'.`,
        code: 'missing_required_parameter',
      });
    }
    tools.set(definition.name, definition.parameters);
  });
  return tools;
}

function readForcedTool(body: Record<string, unknown>): ChatRequest['forcedTool'] {
  const tools = readFunctionTools(body);
  const choice = body.tool_choice;
  if (choice === undefined || choice === null || choice === 'auto' || choice === 'none')
    return undefined;
  if (tools.size === 0) {
    throw createInvalidRequestError({
      param: 'tool_choice',
      message:
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    });
  }
  if (choice === 'required') {
    // The first function: a stable, obvious pick for tests.
    const [name, parameters] = [...tools.entries()][0] ?? ['', undefined];
    return { name, parameters };
  }
  const name = isRecord(choice) && isRecord(choice.function) ? choice.function.name : undefined;
  if (typeof name !== 'string' || !tools.has(name)) {
    throw createInvalidRequestError({
      param: 'tool_choice',
      message: `Invalid value for 'tool_choice': use 'none', 'auto', 'required' or { type: 'function', function: { name } } naming one of the tools (${[...tools.keys()].join(', ')}).`,
    });
  }
  return { name, parameters: tools.get(name) };
}

function mentionsJson(messages: Array<Record<string, unknown>>): boolean {
  return messages.some((message) =>
    JSON.stringify(message.content ?? '')
      .toLowerCase()
      .includes('json'),
  );
}

function readFormat({
  body,
  messages,
}: {
  body: Record<string, unknown>;
  messages: ChatRequest['messages'];
}): AnswerFormat {
  const format = body.response_format;
  if (format === undefined || format === null) return { type: 'text' };
  const type = isRecord(format) ? format.type : undefined;
  if (type === 'text') return { type: 'text' };
  if (type === 'json_object') {
    if (!mentionsJson(messages)) {
      throw createInvalidRequestError({
        param: 'messages',
        message:
          "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      });
    }
    return { type: 'json_object' };
  }
  if (type === 'json_schema' && isRecord(format)) {
    const jsonSchema = format.json_schema;
    if (!isRecord(jsonSchema) || typeof jsonSchema.name !== 'string') {
      throw createInvalidRequestError({
        param: 'response_format.json_schema.name',
        message: "Missing required parameter: 'response_format.json_schema.name'.",
        code: 'missing_required_parameter',
      });
    }
    return { type: 'json_schema', schema: jsonSchema.schema ?? {} };
  }
  throw createInvalidRequestError({
    param: 'response_format.type',
    message:
      "Invalid value for 'response_format.type': use 'text', 'json_object' or 'json_schema'.",
    code: 'invalid_value',
  });
}

function readMessages(body: Record<string, unknown>): ChatRequest['messages'] {
  const messages = body.messages;
  if (!Array.isArray(messages)) {
    throw createInvalidRequestError({
      param: 'messages',
      message:
        "Missing required parameter: 'messages'. Send an array of { role, content } messages.",
      code: 'missing_required_parameter',
    });
  }
  if (messages.length === 0) {
    throw createInvalidRequestError({
      param: 'messages',
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1.",
    });
  }
  messages.forEach((message: unknown, index) => {
    if (!isRecord(message) || typeof message.role !== 'string' || !roles.has(message.role)) {
      throw createInvalidRequestError({
        param: `messages[${index}].role`,
        message: `Invalid value for 'messages[${index}].role': use one of ${[...roles].join(', ')}.`,
        code: 'invalid_value',
      });
    }
  });
  return messages as ChatRequest['messages'];
}

/**
 * Validates a chat completion body the way OpenAI does, throwing a 400 that names the field in
 * `param` (or a 404 for a model the server does not serve), and returns what the answer depends
 * on.
 */
export function parseChatRequest({
  body,
  models,
}: {
  body: Record<string, unknown>;
  /** The model ids the server answers. */
  models: ReadonlyMap<string, unknown>;
}): ChatRequest {
  const requested = readModel(body);
  const messages = readMessages(body);
  const encoding = resolveModelEncoding({ model: requested, endpoint: 'chat', served: models });
  const reasoning = isReasoningModel(requested);
  if (reasoning && body.max_tokens !== undefined && body.max_tokens !== null) {
    throw createInvalidRequestError({
      param: 'max_tokens',
      message:
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      code: 'unsupported_parameter',
    });
  }
  const stream = body.stream === true;
  if (!stream && body.stream_options !== undefined && body.stream_options !== null) {
    throw createInvalidRequestError({
      param: 'stream_options',
      message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    });
  }
  const maxTokens =
    readPositiveInteger({ body, field: 'max_completion_tokens' }) ??
    readPositiveInteger({ body, field: 'max_tokens' });
  return {
    model: { requested, snapshot: resolveModelSnapshot(requested), encoding, reasoning },
    messages,
    n: readPositiveInteger({ body, field: 'n', maximum: 128 }) ?? 1,
    stream,
    includeUsage:
      stream && isRecord(body.stream_options) && body.stream_options.include_usage === true,
    maxTokens,
    format: readFormat({ body, messages }),
    forcedTool: readForcedTool(body),
    reasoningEffort: typeof body.reasoning_effort === 'string' ? body.reasoning_effort : undefined,
  };
}
