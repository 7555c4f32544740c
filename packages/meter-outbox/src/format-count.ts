/**
 * A count with its noun in the right number, for messages: `1 event`, `2 events`, `1 open
 * stream`. The plural is the noun plus `s` unless `plural` is given.
 */
export function formatCount({
  count,
  noun,
  plural = `${noun}s`,
}: {
  count: number;
  noun: string;
  plural?: string;
}): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
