import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stableStringify } from '../generation/stable-stringify.js';
import { isRecord } from '../providers/openai/request-fields.js';

/**
 * One recorded exchange in the shared fixtures format (one JSON object per JSONL line); only the
 * fields replay reads.
 */
export interface ReplayRecord {
  endpoint: string;
  stream: boolean;
  request: Record<string, unknown>;
  response?: unknown;
  sse_events?: unknown[] | null;
}

/**
 * Recorded exchanges indexed by endpoint and request body (key order ignored).
 */
export interface ReplayStore {
  /** Number of exchanges loaded. */
  readonly size: number;
  /**
   * Returns the recording for a request, or undefined. When one request was recorded several
   * times, repeated requests get the recordings in order, then the last one again.
   */
  find(input: { endpoint: string; body: unknown }): ReplayRecord | undefined;
}

function listJsonlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(path, name));
}

function parseRecord({
  line,
  file,
  lineNumber,
}: {
  line: string;
  file: string;
  lineNumber: number;
}): ReplayRecord {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new Error(
      `Replay file ${file} line ${lineNumber} is not valid JSON: fix or remove that line.`,
      { cause: error },
    );
  }
  if (!isRecord(record) || typeof record.endpoint !== 'string' || !isRecord(record.request)) {
    throw new Error(
      `Replay file ${file} line ${lineNumber} is not an exchange: each line needs "endpoint", "stream", "request" and "response" or "sse_events".`,
    );
  }
  return record as unknown as ReplayRecord;
}

/**
 * Loads JSONL files and directories of `.jsonl` files into a {@link ReplayStore}.
 */
export function createReplayStore(paths: readonly string[]): ReplayStore {
  const records = new Map<string, ReplayRecord[]>();
  const served = new Map<string, number>();
  let size = 0;
  for (const file of paths.flatMap(listJsonlFiles)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const record = parseRecord({ line, file, lineNumber: index + 1 });
      const key = `${record.endpoint} ${stableStringify(record.request)}`;
      const list = records.get(key) ?? [];
      list.push(record);
      records.set(key, list);
      size += 1;
    });
  }
  return {
    size,
    find({ endpoint, body }) {
      const key = `${endpoint} ${stableStringify(body)}`;
      const list = records.get(key);
      if (list === undefined) return undefined;
      const count = served.get(key) ?? 0;
      served.set(key, count + 1);
      return list[Math.min(count, list.length - 1)];
    },
  };
}
