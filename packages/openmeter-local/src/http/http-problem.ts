import { STATUS_CODES } from 'node:http';
import type { ProblemResponse } from '../openmeter-types.js';

/**
 * A failure that becomes an RFC 7807 `application/problem+json` answer. Thrown anywhere below
 * the request handler and converted once, at the edge.
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem' as const;
  constructor(
    readonly status: number,
    readonly detail: string,
    options?: {
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    },
  ) {
    super(detail, { cause: options?.cause });
    this.extensions = options?.extensions;
    this.headers = options?.headers;
  }
  /** Extra members of the problem (for example the list of invalid events). */
  readonly extensions: Record<string, unknown> | undefined;
  /** Extra response headers (for example `Allow` on a 405). */
  readonly headers: Record<string, string> | undefined;
}

/**
 * Builds the problem body OpenMeter sends: `type`, `title`, `status`, `detail`, `instance`,
 * plus optional `extensions` (v1), or with the extension members at the top level (`flat`, v3's
 * `invalid_parameters`).
 */
export function createProblem({
  status,
  detail,
  instance,
  extensions,
  flat = false,
}: {
  status: number;
  detail: string;
  instance: string;
  extensions?: Record<string, unknown> | undefined;
  flat?: boolean | undefined;
}): ProblemResponse {
  const base = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance,
  };
  if (!extensions) return base;
  return flat ? ({ ...extensions, ...base } as ProblemResponse) : { ...base, extensions };
}
