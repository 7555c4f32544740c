import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UsageEvent } from '@llm-meter/meter-core';

/**
 * An estimate waiting for OpenAI's exact usage, as journaled.
 */
export interface PendingSettlement {
  estimate: UsageEvent;
  responseId: string;
  /** When it was first tracked (ms since the epoch), kept across restarts. */
  trackedAt: number;
}

/** How a settlement ended: corrected, already exact, given up (stays an estimate). */
export type SettlementOutcome = 'corrected' | 'exact' | 'unsettled';

type JournalLine =
  | { k: 'track'; e: UsageEvent; r: string; t: number }
  | { k: 'end'; i: string; o: SettlementOutcome };

/**
 * The append-only JSONL journal of pending settlements (`settlements.jsonl` in `dir`): a line per
 * tracked estimate, a line per ended settlement. Appends reach the OS before they return, so a
 * killed process loses none; a torn last line is ignored. Opening rewrites the file with only
 * what is still pending.
 */
export interface SettlementJournal {
  readonly pending: PendingSettlement[];
  track(settlement: PendingSettlement): void;
  end(input: { id: string; outcome: SettlementOutcome }): void;
}

/**
 * Opens (creating if needed) the settlement journal in `dir`. Keep `dir` under one process's
 * lock, e.g. the outbox's own directory.
 */
export function openSettlementJournal({ dir }: { dir: string }): SettlementJournal {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settlements.jsonl');
  const pending = new Map<string, PendingSettlement>();
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: JournalLine;
    try {
      parsed = JSON.parse(line) as JournalLine;
    } catch {
      continue; // a line torn by a crash mid-append
    }
    if (parsed.k === 'track') {
      pending.set(parsed.e.id, { estimate: parsed.e, responseId: parsed.r, trackedAt: parsed.t });
    } else if (parsed.k === 'end') {
      pending.delete(parsed.i);
    }
  }
  // Compact: a fresh file with only the pending lines, swapped in atomically.
  const compacted = [...pending.values()]
    .map((item) => `${JSON.stringify(toTrackLine(item))}\n`)
    .join('');
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, compacted);
  fs.renameSync(temporary, file);
  const append = (line: JournalLine) => fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  return {
    pending: [...pending.values()],
    track: (settlement) => append(toTrackLine(settlement)),
    end: ({ id, outcome }) => append({ k: 'end', i: id, o: outcome }),
  };
}

function toTrackLine(settlement: PendingSettlement): JournalLine {
  return { k: 'track', e: settlement.estimate, r: settlement.responseId, t: settlement.trackedAt };
}
