import { createAnthropicInvalidRequest } from './anthropic-error.js';
import { type AnthropicModel, resolveAnthropicModel } from './anthropic-models.js';

/**
 * A validated `POST /v1/messages` request: what shapes the answer.
 * @see https://docs.anthropic.com/en/api/messages
 */
export interface MessagesRequest {
  model: AnthropicModel;
  maxTokens: number;
  stream: boolean;
  /** The thinking budget in tokens when extended thinking is on. */
  thinkingBudget: number | undefined;
  /** A tool the answer must call (`tool_choice` `tool` or `any`), with its input schema. */
  forcedTool: { name: string; inputSchema: unknown } | undefined;
  /** A JSON schema the text must follow (`output_format` / `output_config.format`). */
  outputSchema: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks a Messages request as Anthropic does (model, `max_tokens`, `messages`, `thinking`) and
 * returns what the answer depends on; throws Anthropic's 400/404 naming the field.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function parseMessagesRequest(body: Record<string, unknown>): MessagesRequest {
  const model = resolveAnthropicModel(body.model);
  const maxTokens = body.max_tokens;
  if (maxTokens === undefined) {
    throw createAnthropicInvalidRequest({ field: 'max_tokens', message: 'Field required' });
  }
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    throw createAnthropicInvalidRequest({
      field: 'max_tokens',
      message: 'Input should be a positive integer',
    });
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw createAnthropicInvalidRequest({
      field: 'messages',
      message: 'Field required: at least one message',
    });
  }
  let thinkingBudget: number | undefined;
  if (isRecord(body.thinking) && body.thinking.type === 'enabled') {
    const budget = body.thinking.budget_tokens;
    if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1024) {
      throw createAnthropicInvalidRequest({
        field: 'thinking.enabled.budget_tokens',
        message: 'Input should be greater than or equal to 1024',
      });
    }
    if (budget >= maxTokens) {
      throw createAnthropicInvalidRequest({
        field: 'max_tokens',
        message: `\`max_tokens\` must be greater than \`thinking.budget_tokens\` (${budget})`,
      });
    }
    thinkingBudget = budget;
  } else if (isRecord(body.thinking) && body.thinking.type === 'adaptive') {
    thinkingBudget = maxTokens - 1;
  }
  let forcedTool: MessagesRequest['forcedTool'];
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  if (isRecord(body.tool_choice)) {
    const choice = body.tool_choice;
    const tool =
      choice.type === 'tool'
        ? tools.find((candidate) => candidate.name === choice.name)
        : choice.type === 'any'
          ? tools[0]
          : undefined;
    if (choice.type === 'tool' && tool === undefined) {
      throw createAnthropicInvalidRequest({
        field: 'tool_choice.name',
        message: `no tool named ${String(choice.name)} in tools`,
      });
    }
    if (tool !== undefined) {
      forcedTool = { name: String(tool.name), inputSchema: tool.input_schema ?? {} };
    }
  }
  const format = isRecord(body.output_format)
    ? body.output_format
    : isRecord(body.output_config) && isRecord(body.output_config.format)
      ? body.output_config.format
      : undefined;
  return {
    model,
    maxTokens,
    stream: body.stream === true,
    thinkingBudget,
    forcedTool,
    outputSchema: format?.type === 'json_schema' ? (format.schema ?? {}) : undefined,
  };
}
