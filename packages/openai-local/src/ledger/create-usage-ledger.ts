import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import type { OpenAILocalLogger } from '../server/openai-local-options.js';
import type { BilledEndpoint, BilledRequest } from './billed-request.js';

/**
 * The file, inside the data directory, where openai-local appends one JSON line per billed request.
 * @see https://jsonlines.org/
 */
export const usageLedgerFileName = 'openai-local-usage.jsonl';

/**
 * Every request openai-local billed, in the order billed, in memory and (with a data directory)
 * appended to a JSONL file that the next start reads back, so retrieval and the organisation
 * Usage and Costs APIs survive a restart.
 */
export interface UsageLedger {
  /** Records a billed request (persisted before it returns when there is a data directory). */
  record(entry: BilledRequest): void;
  /**
   * Shows an answer still being generated (a Responses stream) to retrieval until it is billed,
   * as OpenAI shows `status: "in_progress"`. Kept in memory only.
   */
  markInProgress(input: {
    endpoint: BilledEndpoint;
    id: string;
    object: Record<string, unknown>;
  }): void;
  /** The billed request with this id on this endpoint, if any. */
  find(input: { endpoint: BilledEndpoint; id: string }): BilledRequest | undefined;
  /** The object of an answer still in progress (see {@link UsageLedger.markInProgress}). */
  findInProgress(input: {
    endpoint: BilledEndpoint;
    id: string;
  }): Record<string, unknown> | undefined;
  /** Every billed request, oldest first, without its retrievable object (always null here). */
  entries(): readonly BilledRequest[];
  /**
   * Deletes a stored object (`DELETE /v1/responses/{id}`): retrieval answers 404 from then on,
   * also after a restart (a deletion line is appended to the ledger file), while what the request
   * billed stays in the usage reports. Returns false when there was no object to delete.
   */
  deleteObject(input: { endpoint: BilledEndpoint; id: string }): boolean;
}

/** A ledger line that deletes a stored object; the billed request it names stays. */
interface ObjectDeletion {
  deleted_object: { endpoint: BilledEndpoint; id: string };
}

function isObjectDeletion(value: unknown): value is ObjectDeletion {
  if (value === null || typeof value !== 'object') return false;
  const deleted = (value as { deleted_object?: unknown }).deleted_object as
    | Record<string, unknown>
    | undefined;
  return typeof deleted?.endpoint === 'string' && typeof deleted.id === 'string';
}

/**
 * How many retrievable objects the ledger keeps in memory; older ones are read back from the
 * ledger file when there is one, and forgotten (404) when there is not.
 */
export const retainedObjectsInMemory = 10_000;

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
 * Opens the usage ledger: in memory only without `dataDir` (the last 10,000 retrievable objects),
 * else backed by `<dataDir>/openai-local-usage.jsonl` (created when missing), where older objects
 * are read back from. A torn last line, left by a process
 * killed mid-write, is removed with a warning; any other unreadable line stops the start with an
 * error naming the file and line.
 */
export function createUsageLedger({
  dataDir,
  logger,
  retainedObjects = retainedObjectsInMemory,
}: {
  dataDir: string | undefined;
  logger?: OpenAILocalLogger | undefined;
  /** Retrievable objects kept in memory (default {@link retainedObjectsInMemory}). */
  retainedObjects?: number | undefined;
}): UsageLedger {
  // Token counts of every request stay in memory (a few hundred bytes each, what the Usage and
  // Costs reports read); the retrievable objects (whole answers) only for the most recent ones.
  const list: BilledRequest[] = [];
  const byKey = new Map<string, BilledRequest>();
  const objects = new Map<string, Record<string, unknown>>();
  const locations = new Map<string, { offset: number; length: number }>();
  const inProgress = new Map<string, Record<string, unknown>>();
  const deleted = new Set<string>();
  let fileSize = 0;
  const keyOf = (endpoint: string, id: string) => `${endpoint}\u0000${id}`;
  const add = (entry: BilledRequest, location?: { offset: number; length: number }) => {
    const key = keyOf(entry.endpoint, entry.id);
    const { object, ...counts } = entry;
    const kept = { ...counts, object: null };
    list.push(kept);
    byKey.set(key, kept);
    if (object === null) return;
    if (location !== undefined) locations.set(key, location);
    objects.delete(key);
    objects.set(key, object);
    if (objects.size > retainedObjects) {
      const oldest = objects.keys().next().value;
      if (oldest !== undefined) objects.delete(oldest);
    }
  };
  const forget = (key: string) => {
    objects.delete(key);
    locations.delete(key);
    deleted.add(key);
  };
  let file: string | undefined;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, usageLedgerFileName);
    if (existsSync(file)) {
      const buffer = readFileSync(file);
      const text = buffer.toString('utf8');
      const lines = text.split('\n');
      let offset = 0;
      let tornAt: number | undefined;
      lines.forEach((line, index) => {
        const length = Buffer.byteLength(line, 'utf8');
        const location = { offset, length };
        offset += length + 1;
        if (line.trim() === '') return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          const isLast = lines.slice(index + 1).every((rest) => rest.trim() === '');
          if (isLast) {
            logger?.warn(`dropped a torn last line in ${file} (line ${index + 1})`, {
              event: 'ledger-torn-line',
            });
            tornAt = location.offset;
            return;
          }
          throw new Error(
            `openai-local cannot read its usage ledger ${file}, line ${index + 1}: not JSON. Move the file away to start with an empty ledger.`,
            { cause: error },
          );
        }
        if (isObjectDeletion(value)) {
          forget(keyOf(value.deleted_object.endpoint, value.deleted_object.id));
          return;
        }
        if (!isBilledRequest(value)) {
          throw new Error(
            `openai-local cannot read its usage ledger ${file}, line ${index + 1}: not a billed request. Move the file away to start with an empty ledger.`,
          );
        }
        add(value, location);
      });
      fileSize = buffer.length;
      // A write cut short by a kill never billed anything: remove it, so the next line starts
      // on a line of its own and the file stays readable.
      if (tornAt !== undefined) {
        truncateSync(file, tornAt);
        fileSize = tornAt;
      } else if (buffer.length > 0 && buffer[buffer.length - 1] !== 0x0a) {
        appendFileSync(file, '\n');
        fileSize += 1;
      }
    }
  }
  const readObject = (key: string): Record<string, unknown> | undefined => {
    const location = locations.get(key);
    if (file === undefined || location === undefined) return undefined;
    const descriptor = openSync(file, 'r');
    try {
      const bytes = Buffer.alloc(location.length);
      readSync(descriptor, bytes, 0, location.length, location.offset);
      const entry = JSON.parse(bytes.toString('utf8')) as BilledRequest;
      return entry.object ?? undefined;
    } finally {
      closeSync(descriptor);
    }
  };
  return {
    record(entry) {
      const line = JSON.stringify(entry);
      const location = { offset: fileSize, length: Buffer.byteLength(line, 'utf8') };
      // Sync append: a request counts as billed only once its line is written.
      if (file !== undefined) {
        appendFileSync(file, `${line}\n`);
        fileSize += location.length + 1;
      }
      add(entry, file === undefined ? undefined : location);
      inProgress.delete(keyOf(entry.endpoint, entry.id));
    },
    markInProgress({ endpoint, id, object }) {
      inProgress.set(keyOf(endpoint, id), object);
    },
    findInProgress({ endpoint, id }) {
      return inProgress.get(keyOf(endpoint, id));
    },
    find({ endpoint, id }) {
      const key = keyOf(endpoint, id);
      const entry = byKey.get(key);
      if (entry === undefined) return undefined;
      const object = deleted.has(key) ? undefined : (objects.get(key) ?? readObject(key));
      return { ...entry, object: object ?? null };
    },
    deleteObject({ endpoint, id }) {
      const key = keyOf(endpoint, id);
      if (deleted.has(key) || !byKey.has(key)) return false;
      if (!objects.has(key) && !locations.has(key)) return false;
      if (file !== undefined) {
        const line = `${JSON.stringify({ deleted_object: { endpoint, id } } satisfies ObjectDeletion)}\n`;
        appendFileSync(file, line);
        fileSize += Buffer.byteLength(line, 'utf8');
      }
      forget(key);
      return true;
    },
    entries() {
      return list;
    },
  };
}
