import { getMediaType } from './handle-events.js';
import { HttpProblem } from './http-problem.js';
import { readJsonBody } from './read-body.js';

/** Answers 415 unless the request's body is declared `application/json`. */
export function requireJsonMediaType(request: Request): void {
  const mediaType = getMediaType(request.headers.get('content-type'));
  if (mediaType !== 'application/json') {
    throw new HttpProblem(
      415,
      `Content-Type ${mediaType || '(none)'} is not supported: send application/json`,
    );
  }
}

/**
 * Reads a JSON object body, answering 415 for another content type and 400 for anything but
 * an object.
 */
export async function readJsonObject({
  request,
  name,
}: {
  request: Request;
  name: string;
}): Promise<Record<string, unknown>> {
  requireJsonMediaType(request);
  const body = await readJsonBody(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpProblem(400, `The body must be a JSON object (${name})`);
  }
  return body as Record<string, unknown>;
}
