import { parseRfc3339 } from '../events/parse-rfc3339.js';
import {
  type EventValidationIssue,
  type ValidEvent,
  validateEvent,
} from '../events/validate-event.js';
import { HttpProblem } from './http-problem.js';
import { readJsonBody } from './read-body.js';
import type { Reply, RouteContext } from './reply.js';

const CONTENT_TYPES = [
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/json',
];
const DEFAULT_LIST_WINDOW = 72 * 3_600_000;

/**
 * The media type of a request without parameters, lowercased (`application/json`).
 */
export function getMediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describeIssue(issue: EventValidationIssue): string {
  const id = issue.id === null ? 'without id' : `id ${JSON.stringify(issue.id)}`;
  return `event ${issue.index} (${id}) ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
}

/**
 * `POST /api/v1/events`: validates every event of the request first and stores all of them in
 * one transaction, or none (400 naming each invalid event and field, the first
 * `limits.maxListedErrors` of them). Duplicates on (source, id) are accepted and ignored.
 */
export async function handleIngestEvents({
  request,
  store,
  limits,
  now: clock,
}: RouteContext): Promise<Reply> {
  const mediaType = getMediaType(request.headers.get('content-type'));
  if (!CONTENT_TYPES.includes(mediaType)) {
    throw new HttpProblem(
      415,
      `Content-Type ${mediaType || '(none)'} is not supported: send ${CONTENT_TYPES.join(', ')}`,
    );
  }
  const body = await readJsonBody(request);
  if (mediaType === 'application/cloudevents+json' && Array.isArray(body)) {
    throw new HttpProblem(
      400,
      'application/cloudevents+json carries one event: send a batch as application/cloudevents-batch+json',
    );
  }
  if (mediaType === 'application/cloudevents-batch+json' && !Array.isArray(body)) {
    throw new HttpProblem(400, 'application/cloudevents-batch+json must be a JSON array of events');
  }
  const candidates = Array.isArray(body) ? body : [body];
  const now = clock().getTime();
  const valid: ValidEvent[] = [];
  const issues: EventValidationIssue[] = [];
  let invalidCount = 0;
  candidates.forEach((candidate, index) => {
    const result = validateEvent({
      candidate,
      index,
      nowMilliseconds: now,
      maxDepth: limits.maxEventDepth,
    });
    if (result.success) valid.push(result.value);
    else {
      invalidCount++;
      for (const issue of result.issues) {
        if (issues.length < limits.maxListedErrors) issues.push(issue);
      }
    }
  });
  if (invalidCount > 0) {
    const shown = issues.slice(0, 10).map(describeIssue).join('; ');
    const more =
      issues.length < limits.maxListedErrors
        ? ''
        : ` (validationErrors lists the first ${limits.maxListedErrors} problems only)`;
    throw new HttpProblem(
      400,
      `${invalidCount} of ${candidates.length} events are invalid, nothing was stored${more}: ${shown}${issues.length > 10 ? '; ...' : ''}`,
      { extensions: { validationErrors: issues } },
    );
  }
  store.ingest({ events: valid, ingestedAtMilliseconds: now });
  return { status: 204 };
}

function parseTimeParameter(url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  const milliseconds = parseRfc3339(value);
  if (milliseconds === undefined) {
    throw new HttpProblem(
      400,
      `${name} must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z`,
    );
  }
  return milliseconds;
}

/**
 * `GET /api/v1/events`: stored events newest first, filtered by event time (`from` defaults to
 * 72 hours ago, as in OpenMeter), ingestion time, partial `subject` and `id`, up to `limit`
 * (1-100). Events a meter could not use carry `validationError`.
 */
export function handleListEvents({ url, store, now }: RouteContext): Reply {
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new HttpProblem(400, 'limit must be an integer from 1 to 100');
  }
  if (url.searchParams.getAll('customerId').length) {
    throw new HttpProblem(
      400,
      'customerId is not supported by openmeter-local (it has no customers): filter by subject',
    );
  }
  const from = parseTimeParameter(url, 'from') ?? now().getTime() - DEFAULT_LIST_WINDOW;
  const to = parseTimeParameter(url, 'to');
  if (to !== undefined && from > to) throw new HttpProblem(400, 'from must not be after to');
  const events = store.listEvents({
    fromMilliseconds: from,
    toMilliseconds: to,
    ingestedFromMilliseconds: parseTimeParameter(url, 'ingestedAtFrom'),
    ingestedToMilliseconds: parseTimeParameter(url, 'ingestedAtTo'),
    subject: url.searchParams.get('subject') ?? undefined,
    id: url.searchParams.get('id') ?? undefined,
    limit,
  });
  return { status: 200, body: events };
}
