import type { AnswerFormat } from '../../generation/create-answer.js';
import type { ResolvedModel } from '../../server/request-context.js';
import { isReasoningModel, resolveModelSnapshot } from './known-models.js';
import { createInvalidRequestError } from './openai-error.js';
import { isRecord, readModel, readPositiveInteger } from './request-fields.js';
import { resolveModelEncoding } from './resolve-model-encoding.js';

/**
 * The fields of a Responses request that shape the answer, validated.
 */
export interface ResponsesRequest {
  model: ResolvedModel;
  stream: boolean;
  maxOutputTokens: number | undefined;
  format: AnswerFormat;
  forcedTool: { name: string; parameters: unknown } | undefined;
  reasoningEffort: string | undefined;
}

function readFormat(body: Record<string, unknown>): AnswerFormat {
  const format = isRecord(body.text) ? body.text.format : undefined;
  if (format === undefined || format === null) return { type: 'text' };
  const type = isRecord(format) ? format.type : undefined;
  if (type === 'text') return { type: 'text' };
  if (type === 'json_object') return { type: 'json_object' };
  if (type === 'json_schema' && isRecord(format))
    return { type: 'json_schema', schema: format.schema ?? {} };
  throw createInvalidRequestError({
    param: 'text.format.type',
    message: "Invalid value for 'text.format.type': use 'text', 'json_object' or 'json_schema'.",
    code: 'invalid_value',
  });
}

function readForcedTool(body: Record<string, unknown>): ResponsesRequest['forcedTool'] {
  const tools = new Map<string, unknown>();
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      if (isRecord(tool) && tool.type === 'function' && typeof tool.name === 'string')
        tools.set(tool.name, tool.parameters);
    }
  }
  const choice = body.tool_choice;
  if (choice === undefined || choice === null || choice === 'auto' || choice === 'none')
    return undefined;
  if (choice === 'required' && tools.size > 0) {
    const [name, parameters] = [...tools.entries()][0] ?? ['', undefined];
    return { name, parameters };
  }
  const name = isRecord(choice) && choice.type === 'function' ? choice.name : undefined;
  if (typeof name === 'string' && tools.has(name)) return { name, parameters: tools.get(name) };
  throw createInvalidRequestError({
    param: 'tool_choice',
    message: `Invalid value for 'tool_choice': use 'none', 'auto', 'required' or { type: 'function', name } naming one of the function tools (${[...tools.keys()].join(', ') || 'none defined'}).`,
  });
}

/**
 * Validates a Responses body the way OpenAI does (400 naming the field, 404 for a model the
 * server does not serve) and returns what the answer depends on.
 */
export function parseResponsesRequest({
  body,
  models,
}: {
  body: Record<string, unknown>;
  /** The model ids the server answers. */
  models: ReadonlyMap<string, unknown>;
}): ResponsesRequest {
  const requested = readModel(body);
  const encoding = resolveModelEncoding({ model: requested, endpoint: 'chat', served: models });
  const reasoning = isRecord(body.reasoning) ? body.reasoning : {};
  const input = body.input;
  if (!(typeof input === 'string' || Array.isArray(input))) {
    throw createInvalidRequestError({
      param: 'input',
      message: "Missing required parameter: 'input'. Send a string or an array of input items.",
      code: 'missing_required_parameter',
    });
  }
  if (Array.isArray(input)) {
    const index = input.findIndex((item) => !isRecord(item));
    if (index >= 0)
      throw createInvalidRequestError({
        param: `input[${index}]`,
        message: `Invalid 'input[${index}]': expected an input item object.`,
      });
  }
  return {
    model: {
      requested,
      snapshot: resolveModelSnapshot(requested),
      encoding,
      reasoning: isReasoningModel(requested),
    },
    stream: body.stream === true,
    maxOutputTokens: readPositiveInteger({ body, field: 'max_output_tokens', minimum: 16 }),
    format: readFormat(body),
    forcedTool: readForcedTool(body),
    reasoningEffort: typeof reasoning.effort === 'string' ? reasoning.effort : undefined,
  };
}
