/**
 * One line of openai-local's usage ledger, as far as the comparison reads it.
 * @see ../../../../packages/openai-local/src/ledger/billed-request.ts
 */
export interface LedgerEntry {
  id: string;
  request_id?: string | undefined;
  endpoint: string;
  /** `completed` / `incomplete`: upstream finished the answer; `aborted` / `failed`: cut short. */
  outcome: string;
  created_at: number;
  input_tokens: number;
  input_cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
}

/** A usage event as openmeter-local lists it, as far as the comparison reads it. */
export interface MeteredEvent {
  id: string;
  subject: string;
  time: string;
  data: {
    endpoint?: unknown;
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    cached_tokens?: unknown;
    reasoning_tokens?: unknown;
    usage_source?: unknown;
    estimate_reason?: unknown;
    settles?: unknown;
    cached_tokens_unknown?: unknown;
    reasoning_tokens_unknown?: unknown;
  };
}

/** What one client call saw: how it ended, and the ids it learnt (response id, `x-request-id`). */
export interface ChaosCall {
  client: number;
  kind: string;
  subject: string;
  /** `completed`: answered (or read to the end); `left`: the client aborted it; `failed`: an error; `hung`: unsettled when the hang guard fired. */
  outcome: 'completed' | 'left' | 'failed' | 'hung';
  responseId?: string | undefined;
  requestId?: string | undefined;
  error?: string | undefined;
}

/** Token counts summed over the events of one response (its event plus any settlement). */
export interface TokenCounts {
  input: number;
  output: number;
}

/** A billed response set beside what was metered for it. */
export interface ComparedResponse {
  billed: LedgerEntry;
  /** The counted events (not settlement corrections) attributed to it: one, unless lost or double-counted. */
  eventIds: string[];
  /** How its event was found: under the response id, under upstream's request id, or paired by endpoint and prompt size (an event under an id of the proxy's, from a kill before upstream's headers). */
  matchedBy: 'id' | 'request_id' | 'paired' | undefined;
  /** `provider`, or the estimate's reason (`aborted`, `crashed`, ...), `+settled` when corrected. */
  source: string | undefined;
  metered: TokenCounts;
  exact: boolean;
}

/** The chaos run's verdict: every billed response set beside OpenMeter's events, and the calls. */
export interface ChaosComparison {
  calls: {
    sent: number;
    completed: number;
    left: number;
    failed: number;
    failedCalls: ChaosCall[];
    hung: ChaosCall[];
  };
  responses: ComparedResponse[];
  /** Billed upstream, no event at all. */
  lost: ComparedResponse[];
  /** Billed once upstream, metered by more than one counted event. */
  doubleCounted: ComparedResponse[];
  /** Completed upstream and metered to the end (not cut by a kill) but not exact. */
  completedInexact: ComparedResponse[];
  /** Completed upstream, metered as a `crashed` estimate: the proxy was killed before its end. */
  completedCutByKill: ComparedResponse[];
  /** Events whose response the client knew, billed to another subject than the client's. */
  wrongSubject: Array<{ eventId: string; expected: string; actual: string }>;
  /** Events of no billed response: metered, not billed upstream. */
  unbilledEvents: MeteredEvent[];
  /** Per source of the final numbers: responses, tokens billed upstream, tokens metered. */
  bySource: Map<string, { responses: number; billed: number; metered: number }>;
  tokens: { billed: number; metered: number };
}

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;

const isFinished = (entry: LedgerEntry) =>
  entry.outcome === 'completed' || entry.outcome === 'incomplete';

/**
 * Sets every response openai-local billed beside the events that reached OpenMeter. An event
 * belongs to a response when its id is the response id (the provider's id, which the proxy keys
 * events on) or upstream's request id (a call killed before its answer was read); a correction
 * (`usage_source: "settled"`) belongs to the estimate it `settles`. Events left over after that
 * (a kill before upstream's headers leaves an id of the proxy's) are paired with a response left
 * without one on the same endpoint with the same prompt tokens, nearest in time. A response is
 * exact when its events sum to what upstream billed, input and output (cached and reasoning
 * tokens too, unless the event says they are unknown).
 */
export function compareWithLedger({
  ledger,
  events,
  calls,
}: {
  ledger: readonly LedgerEntry[];
  events: readonly MeteredEvent[];
  calls: readonly ChaosCall[];
}): ChaosComparison {
  const byId = new Map<string, LedgerEntry>();
  const byRequestId = new Map<string, LedgerEntry>();
  for (const entry of ledger) {
    byId.set(entry.id, entry);
    if (entry.request_id) byRequestId.set(entry.request_id, entry);
  }
  const counted = new Map<
    LedgerEntry,
    { event: MeteredEvent; by: ComparedResponse['matchedBy'] }[]
  >();
  const corrections: MeteredEvent[] = [];
  const leftOver: MeteredEvent[] = [];
  for (const event of events) {
    if (event.data.usage_source === 'settled') {
      corrections.push(event);
      continue;
    }
    const entry = byId.get(event.id) ?? byRequestId.get(event.id);
    if (!entry) {
      leftOver.push(event);
      continue;
    }
    const by = byId.has(event.id) ? 'id' : 'request_id';
    counted.set(entry, [...(counted.get(entry) ?? []), { event, by }]);
  }

  // Events under an id of the proxy's: paired with an unmetered response of the same endpoint
  // and prompt size, the nearest in time.
  const unbilledEvents: MeteredEvent[] = [];
  for (const event of leftOver) {
    const time = Date.parse(event.time) / 1000;
    let best: LedgerEntry | undefined;
    for (const entry of ledger) {
      if (counted.has(entry)) continue;
      if (entry.endpoint !== event.data.endpoint) continue;
      if (entry.input_tokens !== count(event.data.prompt_tokens)) continue;
      if (Math.abs(entry.created_at - time) > 5) continue;
      if (!best || Math.abs(entry.created_at - time) < Math.abs(best.created_at - time))
        best = entry;
    }
    if (best) counted.set(best, [{ event, by: 'paired' }]);
    else unbilledEvents.push(event);
  }

  const settlementsOf = new Map<string, MeteredEvent[]>();
  for (const correction of corrections) {
    const settles = String(correction.data.settles ?? correction.id.replace(/:settled$/, ''));
    settlementsOf.set(settles, [...(settlementsOf.get(settles) ?? []), correction]);
  }

  const responses: ComparedResponse[] = [];
  const bySource = new Map<string, { responses: number; billed: number; metered: number }>();
  let billedTokens = 0;
  let meteredTokens = 0;
  for (const entry of ledger) {
    const attributed = counted.get(entry) ?? [];
    const chain = attributed.flatMap(({ event }) => [
      event,
      ...(settlementsOf.get(event.id) ?? []),
    ]);
    const sum = (field: keyof MeteredEvent['data']) =>
      chain.reduce((total, event) => total + count(event.data[field]), 0);
    const metered = { input: sum('prompt_tokens'), output: sum('completion_tokens') };
    const first = attributed[0]?.event;
    const settled = chain.some((event) => event.data.usage_source === 'settled');
    const exact =
      attributed.length === 1 &&
      metered.input === entry.input_tokens &&
      metered.output === entry.output_tokens &&
      (first?.data.cached_tokens_unknown === true ||
        sum('cached_tokens') === entry.input_cached_tokens) &&
      (first?.data.reasoning_tokens_unknown === true ||
        sum('reasoning_tokens') === entry.reasoning_tokens);
    const source =
      first === undefined
        ? undefined
        : `${first.data.usage_source === 'provider' ? 'provider' : String(first.data.estimate_reason ?? first.data.usage_source)}${settled ? '+settled' : ''}`;
    responses.push({
      billed: entry,
      eventIds: attributed.map(({ event }) => event.id),
      matchedBy: attributed[0]?.by,
      source,
      metered,
      exact,
    });
    const billed = entry.input_tokens + entry.output_tokens;
    billedTokens += billed;
    meteredTokens += metered.input + metered.output;
    const key = source ?? 'none (lost)';
    const row = bySource.get(key) ?? { responses: 0, billed: 0, metered: 0 };
    row.responses += 1;
    row.billed += billed;
    row.metered += metered.input + metered.output;
    bySource.set(key, row);
  }
  for (const event of unbilledEvents)
    meteredTokens += count(event.data.prompt_tokens) + count(event.data.completion_tokens);
  // A correction of an estimate that matched nothing still moves the meters.
  const attributedIds = new Set(responses.flatMap((response) => response.eventIds));
  for (const correction of corrections) {
    const settles = String(correction.data.settles ?? '');
    if (!attributedIds.has(settles)) {
      unbilledEvents.push(correction);
      meteredTokens +=
        count(correction.data.prompt_tokens) + count(correction.data.completion_tokens);
    }
  }

  // Whoever a client was, its events must be billed to it.
  const eventById = new Map(events.map((event) => [event.id, event]));
  const wrongSubject: ChaosComparison['wrongSubject'] = [];
  for (const call of calls) {
    for (const id of new Set([call.responseId, call.requestId])) {
      const event = id === undefined ? undefined : eventById.get(id);
      if (event && event.subject !== call.subject)
        wrongSubject.push({ eventId: event.id, expected: call.subject, actual: event.subject });
    }
  }

  const isCrashed = (response: ComparedResponse) => response.source?.startsWith('crashed') === true;
  const finished = responses.filter(
    (response) => isFinished(response.billed) && response.eventIds.length === 1,
  );
  return {
    calls: {
      sent: calls.length,
      completed: calls.filter((call) => call.outcome === 'completed').length,
      left: calls.filter((call) => call.outcome === 'left').length,
      failed: calls.filter((call) => call.outcome === 'failed').length,
      failedCalls: calls.filter((call) => call.outcome === 'failed'),
      hung: calls.filter((call) => call.outcome === 'hung'),
    },
    responses,
    lost: responses.filter((response) => response.eventIds.length === 0),
    doubleCounted: responses.filter((response) => response.eventIds.length > 1),
    completedInexact: finished.filter((response) => !response.exact && !isCrashed(response)),
    completedCutByKill: finished.filter(isCrashed),
    wrongSubject,
    unbilledEvents,
    bySource,
    tokens: { billed: billedTokens, metered: meteredTokens },
  };
}
