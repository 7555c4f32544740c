import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BilledEndpoint, BilledRequest } from './billed-request.js';
import type { OpenAILocalLogger } from './openai-local-options.js';

/**
 * The file, inside the data directory, where openai-local appends one JSON line per billed request.
 * @see https://jsonlines.org/
 */
export const usageLedgerFileName = 'openai-local-usage.jsonl';

/**
 * Every request openai-local billed, in the order billed, in memory and (with a data directory)
 * appended to a JSONL file that the next start reads back, so retrieval and the organisation
 * Usage and Costs APIs survive a restart.
 * @see https://platform.openai.com/docs/api-reference/usage
 */
export interface UsageLedger {
  /** Records a billed request (persisted before it returns when there is a data directory). */
  record(entry: BilledRequest): void;
  /** The billed request with this id on this endpoint, if any. */
  find(input: { endpoint: BilledEndpoint; id: string }): BilledRequest | undefined;
  /** Every billed request, oldest first. */
  entries(): readonly BilledRequest[];
}

function isBilledRequest(value: unknown): value is BilledRequest {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.id === 'string' &&
    typeof entry.endpoint === 'string' &&
    typeof entry.created_at === 'number' &&
    typeof entry.input_tokens === 'number' &&
    typeof entry.output_tokens === 'number'
  );
}

/**
 * Opens the usage ledger: in memory only without `dataDir`, else backed by
 * `<dataDir>/openai-local-usage.jsonl` (created when missing). A torn last line, left by a process
 * killed mid-write, is skipped with a warning; any other unreadable line stops the start with an
 * error naming the file and line.
 * @see https://jsonlines.org/
 */
export function createUsageLedger({
  dataDir,
  logger,
}: {
  dataDir: string | undefined;
  logger?: OpenAILocalLogger | undefined;
}): UsageLedger {
  const list: BilledRequest[] = [];
  const byKey = new Map<string, BilledRequest>();
  const keyOf = (endpoint: string, id: string) => `${endpoint}\u0000${id}`;
  const add = (entry: BilledRequest) => {
    list.push(entry);
    byKey.set(keyOf(entry.endpoint, entry.id), entry);
  };
  let file: string | undefined;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, usageLedgerFileName);
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          const isLast = lines.slice(index + 1).every((rest) => rest.trim() === '');
          if (isLast) {
            logger?.warn(`skipped a torn last line in ${file} (line ${index + 1})`, {
              event: 'ledger-torn-line',
            });
            return;
          }
          throw new Error(
            `openai-local cannot read its usage ledger ${file}, line ${index + 1}: not JSON. Move the file away to start with an empty ledger.`,
            { cause: error },
          );
        }
        if (!isBilledRequest(value)) {
          throw new Error(
            `openai-local cannot read its usage ledger ${file}, line ${index + 1}: not a billed request. Move the file away to start with an empty ledger.`,
          );
        }
        add(value);
      });
    }
  }
  return {
    record(entry) {
      // Sync append: a request counts as billed only once its line is written.
      if (file !== undefined) appendFileSync(file, `${JSON.stringify(entry)}\n`);
      add(entry);
    },
    find({ endpoint, id }) {
      return byKey.get(keyOf(endpoint, id));
    },
    entries() {
      return list;
    },
  };
}
