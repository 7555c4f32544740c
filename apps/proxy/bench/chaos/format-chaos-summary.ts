import type { ChaosComparison, ComparedResponse } from './compare-with-ledger.js';

/** The summary table of a chaos run, and the guarantees it broke (empty: none). */
export interface ChaosSummary {
  table: string;
  /** One line per broken guarantee: hung clients, lost or double-counted responses, inexact completed responses, events billed to the wrong subject. */
  failures: string[];
}

const percent = ({ metered, billed }: { metered: number; billed: number }) =>
  billed === 0
    ? 'n/a'
    : `${metered >= billed ? '+' : '−'}${((Math.abs(metered - billed) * 100) / billed).toFixed(2)}%`;

const describe = (response: ComparedResponse) =>
  `${response.billed.id} (${response.billed.endpoint}, ${response.billed.outcome}, request ${response.billed.request_id ?? '?'}): billed ${response.billed.input_tokens} + ${response.billed.output_tokens}, metered ${response.metered.input} + ${response.metered.output}${response.eventIds.length ? ` by ${response.eventIds.join(', ')} (${response.source})` : ', no event'}`;

/**
 * Formats a chaos run's comparison as one table (calls, what upstream billed, what reached
 * OpenMeter, estimates and drift) and lists the broken guarantees, each with the ids that show it.
 */
export function formatChaosSummary({
  comparison,
  run,
}: {
  comparison: ChaosComparison;
  /** What was done to the processes, e.g. `2 proxy SIGKILLs, OpenMeter down 8.0 s`. */
  run: string;
}): ChaosSummary {
  const { calls, responses, lost, doubleCounted, completedInexact, completedCutByKill } =
    comparison;
  const finished = responses.filter(
    (response) =>
      response.billed.outcome === 'completed' || response.billed.outcome === 'incomplete',
  );
  const meteredToEnd = finished.filter(
    (response) => response.eventIds.length === 1 && !completedCutByKill.includes(response),
  );
  const errors = new Map<string, number>();
  for (const call of calls.failedCalls) {
    const error = call.error?.replace(/[:(].*/s, '').trim() || 'unknown';
    errors.set(error, (errors.get(error) ?? 0) + 1);
  }
  const failedBy = [...errors].map(([error, times]) => `${error} ${times}`).join(', ');
  const matched = (by: ComparedResponse['matchedBy']) =>
    responses.filter((response) => response.matchedBy === by).length;
  const rows: Array<[string, string]> = [
    ['run', run],
    [
      'calls sent',
      `${calls.sent} (answered ${calls.completed}, left by the client ${calls.left}, failed ${calls.failed}, hung ${calls.hung.length})`,
    ],
    ['failed calls by error', failedBy || '-'],
    ['billed upstream', `${responses.length} responses (${finished.length} completed)`],
    [
      'events found by',
      `response id ${matched('id')}, request id ${matched('request_id')}, paired by endpoint, prompt and time ${matched('paired')}`,
    ],
    ['hung calls (clients stuck)', String(calls.hung.length)],
    ['lost (billed, no event)', String(lost.length)],
    ['double-counted', String(doubleCounted.length)],
    ['billed to another subject', String(comparison.wrongSubject.length)],
    [
      'completed responses exact',
      `${meteredToEnd.filter((response) => response.exact).length} of ${meteredToEnd.length} metered to their end; ${completedCutByKill.length} more cut by a kill (crashed estimates), ${finished.length - meteredToEnd.length - completedCutByKill.length} lost or double-counted`,
    ],
  ];
  for (const [source, row] of [...comparison.bySource].sort(([a], [b]) => a.localeCompare(b)))
    rows.push([
      `  metered as ${source}`,
      `${row.responses} responses, tokens billed ${row.billed} / metered ${row.metered} (${percent(row)})`,
    ]);
  const unbilledTokens = comparison.unbilledEvents.reduce(
    (total, event) =>
      total + Number(event.data.prompt_tokens ?? 0) + Number(event.data.completion_tokens ?? 0),
    0,
  );
  rows.push([
    'metered, not billed upstream',
    `${comparison.unbilledEvents.length} events, ${unbilledTokens} tokens`,
  ]);
  rows.push([
    'total tokens billed / metered',
    `${comparison.tokens.billed} / ${comparison.tokens.metered} (drift ${percent(comparison.tokens)})`,
  ]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const table = rows.map(([label, value]) => `${label.padEnd(width)} | ${value}`).join('\n');

  const failures: string[] = [];
  for (const call of calls.hung)
    failures.push(
      `hung: client ${call.client} ${call.kind} (response ${call.responseId ?? '?'}, request ${call.requestId ?? '?'}): ${call.error ?? 'never settled'}`,
    );
  for (const response of lost) failures.push(`lost: ${describe(response)}`);
  for (const response of doubleCounted) failures.push(`double-counted: ${describe(response)}`);
  for (const response of completedInexact) failures.push(`inexact: ${describe(response)}`);
  for (const wrong of comparison.wrongSubject)
    failures.push(
      `wrong subject: event ${wrong.eventId} billed to ${wrong.actual}, its client is ${wrong.expected}`,
    );
  return { table, failures };
}
