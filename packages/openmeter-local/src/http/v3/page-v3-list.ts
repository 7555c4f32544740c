import { HttpProblem } from '../http-problem.js';
import type { Reply } from '../reply.js';
import { parseDeepObject } from './parse-deep-object.js';

/** A page of a v3 list: `page[number]` (from 1) and `page[size]` (1 to 1000, default 100). */
export interface V3Page {
  number: number;
  size: number;
}

/** Reads `page[number]` and `page[size]` of `url`; a bad page is a 400. */
export function readV3Page({ url }: { url: URL }): V3Page {
  const page = parseDeepObject({ url, name: 'page' });
  const number = Number(page.number ?? 1);
  const size = Number(page.size ?? 100);
  if (
    !Number.isInteger(number) ||
    number < 1 ||
    !Number.isInteger(size) ||
    size < 1 ||
    size > 1000
  ) {
    throw new HttpProblem(
      400,
      'page[number] must be an integer >= 1 and page[size] from 1 to 1000',
    );
  }
  return { number, size };
}

/** The 200 answer of a v3 list: `page` of `items` as `data`, and `meta.page` with the total. */
export function replyV3Page<Item>({
  items,
  page,
}: {
  items: readonly Item[];
  page: V3Page;
}): Reply {
  const { number, size } = page;
  return {
    status: 200,
    body: {
      data: items.slice((number - 1) * size, number * size),
      meta: { page: { number, size, total: items.length } },
    },
  };
}

/** The value a `filter[name]` asks for: a string, or `{ eq: string }`; anything else a 400. */
export function readV3FilterEquals({ name, value }: { name: string; value: unknown }): string {
  if (typeof value === 'string') return value;
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { eq?: unknown }).eq === 'string'
  ) {
    return (value as { eq: string }).eq;
  }
  throw new HttpProblem(400, `filter[${name}] takes a string or eq in openmeter-local`);
}
