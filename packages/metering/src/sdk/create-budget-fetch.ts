import type { UsageEvent } from '@llm-meter/meter-core';
import type { BudgetBooking, BudgetOutcome } from './book-sdk-budget.js';
import type { BudgetRefusal } from './to-budget-refusal.js';

/** The private header that ties a request to its budget check; removed before it is sent. */
const callHeader = 'x-llm-meter-call';

type Fetch = (url: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** One call's booking: `settle` it once with the call's event, or `undefined` (nothing billed). */
export interface BudgetHold {
  /** The request options to send the call with (they carry the call's private header). */
  requestOptions<Options extends { headers?: unknown }>(options: Options | undefined): Options;
  settle(event: UsageEvent | undefined): void;
}

/** The budget gate of one metered client: `hold` a call before it is sent. */
export interface BudgetFetch {
  /** The client's `fetch`, which waits for a call's booking and answers a refusal itself. */
  fetch: Fetch;
  /** Starts booking a call's worst case (no await: the request waits inside `fetch`). */
  hold(input: { subject: string; request: Record<string, unknown> }): BudgetHold;
}

interface Booking {
  outcome: Promise<{ booking: BudgetBooking } | { refusal: Response }>;
}

/**
 * Puts a budget gate in front of the SDK's `fetch` (a Stainless SDK: openai, Anthropic): each
 * call's worst case is booked when the call is made, and its request waits for the booking
 * inside `fetch`, the one await metering adds. A refused call is answered by `fetch` itself with
 * the provider's error body (`errorBody`), so the SDK throws its own error class: 429
 * (`RateLimitError`) over quota, 403 (`PermissionDeniedError`) when no entitlement is known, 400
 * (`BadRequestError`) for a request the gate cannot estimate; `x-should-retry: false` keeps the
 * SDK from retrying it.
 * @see https://platform.openai.com/docs/guides/error-codes/api-errors
 */
export function createBudgetFetch({
  fetch,
  book,
  errorBody,
  generateId,
}: {
  fetch: Fetch;
  /** Books a call's worst case (`bookSdkBudget` with the client's budget). */
  book: (input: { subject: string; request: Record<string, unknown> }) => Promise<BudgetOutcome>;
  /** The provider's JSON error body for a refusal. */
  errorBody: (refusal: BudgetRefusal) => unknown;
  generateId: () => string;
}): BudgetFetch {
  const bookings = new Map<string, Booking>();
  return {
    async fetch(url, init) {
      const headers = new Headers(init?.headers);
      const id = headers.get(callHeader);
      if (id === null) return fetch(url, init);
      headers.delete(callHeader);
      const booking = bookings.get(id);
      if (booking) {
        const outcome = await booking.outcome;
        if ('refusal' in outcome) return outcome.refusal.clone();
      }
      return fetch(url, { ...init, headers });
    },
    hold({ subject, request }) {
      const id = generateId();
      const outcome = book({ subject, request }).then((result) =>
        'refusal' in result
          ? {
              refusal: refusalResponse({
                status: result.refusal.status,
                body: errorBody(result.refusal),
              }),
            }
          : result,
      );
      bookings.set(id, { outcome });
      let settled = false;
      return {
        requestOptions(options) {
          const headers = options?.headers;
          return {
            ...options,
            headers: [
              ...(headers instanceof Headers ? [...headers] : []),
              ...(Array.isArray(headers) ? headers : []),
              ...(headers &&
              typeof headers === 'object' &&
              !(headers instanceof Headers) &&
              !Array.isArray(headers)
                ? Object.entries(headers)
                : []),
              [callHeader, id],
            ],
          } as typeof options & object;
        },
        settle(event) {
          if (settled) return;
          settled = true;
          bookings.delete(id);
          void outcome.then((result) => {
            if ('booking' in result) result.booking.settle(event);
          });
        },
      };
    },
  };
}

function refusalResponse({ status, body }: { status: number; body: unknown }): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-should-retry': 'false' },
  });
}
