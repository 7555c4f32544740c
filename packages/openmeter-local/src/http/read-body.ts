import { HttpProblem } from './http-problem.js';

/**
 * Reads a request body as JSON, answering 400 with the parser's message when it is malformed.
 * The body-limit middleware has already bounded its size.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(400, `The request body is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
