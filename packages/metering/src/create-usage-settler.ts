import type { UsageEvent } from '@llm-meter/meter-core';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import { createSettlementEvent } from './create-settlement-event.js';
import { retrieveExactUsage, type SettlementClient } from './retrieve-exact-usage.js';
import {
  openSettlementJournal,
  type PendingSettlement,
  type SettlementOutcome,
} from './settlement-journal.js';

/**
 * How one settlement ended, for logging: the estimate, the correction enqueued (if the estimate
 * was off), and why it stays an estimate when it does.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export interface SettlementResult {
  estimate: UsageEvent;
  outcome: SettlementOutcome;
  correction: UsageEvent | undefined;
  reason: string | undefined;
}

/**
 * Settles estimates; see {@link createUsageSettler}.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export interface UsageSettler {
  /**
   * Journals an estimated event for settlement and starts fetching its exact usage. Returns false
   * (and does nothing) for provider usage, an unknown response id, or an endpoint without a
   * retrieve call (embeddings). With `later`, it only journals the estimate: the next settler
   * created on the same directory settles it (this one never does).
   */
  track(input: {
    event: UsageEvent;
    responseId: string | undefined;
    later?: boolean | undefined;
  }): boolean;
  /** Waits until every settlement in progress ended, or the deadline; returns how many remain. */
  drain(options?: { deadlineMs?: number | undefined }): Promise<{ pending: number }>;
  /** Stops retrying; what is pending stays journaled for the next start. Idempotent. */
  close(): void;
  stats(): { pending: number; corrected: number; exact: number; unsettled: number };
}

/**
 * Options of {@link createUsageSettler}.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export interface UsageSettlerOptions {
  /** The openai SDK client (or anything with `responses.retrieve` and `chat.completions.retrieve`). */
  client: SettlementClient;
  /** Where corrections go. */
  outbox: UsageOutbox;
  /** Directory of the settlement journal; the outbox's own directory keeps it under its lock. */
  dir: string;
  /** Wait before each attempt; the count bounds the attempts per process. Default 0, 1 s, 5 s, 30 s, 2 min. */
  retryDelaysMs?: readonly number[] | undefined;
  /** An estimate tracked longer ago than this is given up (stays an estimate). Default 24 h. */
  maxAgeMs?: number | undefined;
  now?: (() => Date) | undefined;
  onSettled?: ((result: SettlementResult) => void) | undefined;
}

const settledEndpoints = new Set(['chat.completions', 'responses']);

/**
 * Settles estimates against OpenAI's own usage. An estimated event whose response id is known is
 * provisional: the settler fetches the exact usage (`GET /v1/responses/{id}`, or
 * `GET /v1/chat/completions/{id}` for chat completions created with `store: true`) with bounded
 * retries and, when it differs, enqueues one correction event (`<id>:settled`, the signed
 * difference of every token field, `usage_source: "settled"`), so SUM meters converge on OpenAI's
 * numbers while the estimate stays as it was. Crash-safe: tracked estimates are journaled in
 * `dir/settlements.jsonl` and resumed by the next `createUsageSettler` on that directory; the
 * correction is enqueued before its settlement is marked ended, and its deterministic id makes a
 * replay harmless. What cannot be retrieved stays an estimate.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export function createUsageSettler({
  client,
  outbox,
  dir,
  retryDelaysMs = [0, 1000, 5000, 30_000, 120_000],
  maxAgeMs = 86_400_000,
  now = () => new Date(),
  onSettled,
}: UsageSettlerOptions): UsageSettler {
  const journal = openSettlementJournal({ dir });
  const running = new Map<string, Promise<void>>();
  const counts = { corrected: 0, exact: 0, unsettled: 0 };
  const stop = new AbortController();

  const sleep = (delayMs: number) =>
    new Promise<void>((resolve) => {
      if (delayMs <= 0 || stop.signal.aborted) return resolve();
      const timer = setTimeout(resolve, delayMs);
      stop.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  const end = (settlement: PendingSettlement, result: Omit<SettlementResult, 'estimate'>) => {
    journal.end({ id: settlement.estimate.id, outcome: result.outcome });
    counts[result.outcome] += 1;
    onSettled?.({ estimate: settlement.estimate, ...result });
  };

  const settle = async (settlement: PendingSettlement) => {
    const { estimate, responseId } = settlement;
    let reason = 'no attempt made';
    for (const delayMs of retryDelaysMs) {
      await sleep(delayMs);
      // Closed: stays pending in the journal for the next start.
      if (stop.signal.aborted) return;
      if (now().getTime() - settlement.trackedAt > maxAgeMs) break;
      const found = await retrieveExactUsage({
        client,
        endpoint: estimate.data.endpoint as 'chat.completions' | 'responses',
        responseId,
      });
      if (stop.signal.aborted) return;
      if (found.kind === 'never') {
        reason = found.reason;
        break;
      }
      if (found.kind === 'later') {
        reason = found.reason;
        continue;
      }
      const correction = createSettlementEvent({ estimate, exact: found.tokens });
      if (correction) {
        try {
          outbox.enqueue(correction);
        } catch (error) {
          // Outbox full or closed: try again at the next attempt (or the next start).
          reason = `could not enqueue the correction: ${(error as Error).message}`;
          continue;
        }
      }
      end(settlement, {
        outcome: correction ? 'corrected' : 'exact',
        correction,
        reason: undefined,
      });
      return;
    }
    end(settlement, { outcome: 'unsettled', correction: undefined, reason });
  };

  const start = (settlement: PendingSettlement) => {
    const id = settlement.estimate.id;
    const run = settle(settlement).finally(() => running.delete(id));
    running.set(id, run);
  };

  for (const settlement of journal.pending) start(settlement);

  return {
    track({ event, responseId, later = false }) {
      if (stop.signal.aborted) throw new Error('The usage settler is closed; create a new one.');
      if (
        event.data.usage_source !== 'estimated' ||
        !responseId ||
        !settledEndpoints.has(event.data.endpoint) ||
        running.has(event.id)
      ) {
        return false;
      }
      const settlement = { estimate: event, responseId, trackedAt: now().getTime() };
      journal.track(settlement);
      if (!later) start(settlement);
      return true;
    },
    async drain({ deadlineMs } = {}) {
      let timer: NodeJS.Timeout | undefined;
      const deadline =
        deadlineMs === undefined
          ? new Promise<never>(() => undefined)
          : new Promise<void>((resolve) => {
              timer = setTimeout(resolve, deadlineMs);
            });
      while (running.size > 0) {
        const settled = Promise.allSettled([...running.values()]).then(() => 'done' as const);
        if ((await Promise.race([settled, deadline])) !== 'done') break;
      }
      clearTimeout(timer);
      return { pending: running.size };
    },
    close() {
      stop.abort();
    },
    stats: () => ({ pending: running.size, ...counts }),
  };
}
