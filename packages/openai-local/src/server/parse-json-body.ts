import { OpenAIError } from '../providers/openai/openai-error.js';
import { isRecord } from '../providers/openai/request-fields.js';

/**
 * Parses a JSON object body, answering OpenAI's 400 when it is not valid JSON or not an object.
 */
export function parseJsonBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new OpenAIError({
      status: 400,
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      cause: error,
    });
  }
  if (!isRecord(body)) {
    throw new OpenAIError({
      status: 400,
      message: 'The request body must be a JSON object, e.g. { "model": "gpt-4o-mini", ... }.',
    });
  }
  return body;
}
