import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BilledRequest } from './billed-request.js';
import { createUsageLedger, usageLedgerFileName } from './create-usage-ledger.js';

const directories: string[] = [];
const createDirectory = () => {
  const directory = mkdtempSync(join(tmpdir(), 'openai-local-ledger-'));
  directories.push(directory);
  return directory;
};
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

const billed = (id: string, text = 'Ünïcode answer'): BilledRequest => ({
  id,
  endpoint: 'responses',
  created_at: 1_764_700_000,
  model: 'gpt-4.1-mini-2025-04-14',
  service_tier: 'default',
  project_id: 'proj_openai_local',
  api_key_id: 'key_0123456789abcdef',
  user_id: 'user_openai_local',
  batch: false,
  outcome: 'completed',
  input_tokens: 12,
  input_cached_tokens: 0,
  output_tokens: 5,
  reasoning_tokens: 0,
  object: { id, object: 'response', output_text: text },
});

describe('createUsageLedger', () => {
  it('keeps recent objects in memory and reads older ones back from the file', () => {
    const dataDir = createDirectory();
    const ledger = createUsageLedger({ dataDir, retainedObjects: 2 });
    for (const id of ['resp_1', 'resp_2', 'resp_3']) ledger.record(billed(id, `answer ${id} ✓`));
    expect(ledger.find({ endpoint: 'responses', id: 'resp_1' })).toEqual(
      billed('resp_1', 'answer resp_1 ✓'),
    );
    expect(ledger.find({ endpoint: 'responses', id: 'resp_3' })?.object).toEqual(
      billed('resp_3', 'answer resp_3 ✓').object,
    );
    expect(ledger.find({ endpoint: 'chat.completions', id: 'resp_1' })).toBeUndefined();
    expect(ledger.entries().map((entry) => [entry.id, entry.object])).toEqual([
      ['resp_1', null],
      ['resp_2', null],
      ['resp_3', null],
    ]);
  });

  it('forgets objects beyond the memory bound without a data directory, but keeps the counts', () => {
    const ledger = createUsageLedger({ dataDir: undefined, retainedObjects: 1 });
    ledger.record(billed('resp_a'));
    ledger.record(billed('resp_b'));
    expect(ledger.find({ endpoint: 'responses', id: 'resp_a' })).toMatchObject({
      output_tokens: 5,
      object: null,
    });
    expect(ledger.entries()).toHaveLength(2);
  });

  it('reads the file back after a restart, skipping a torn last line with a warning', () => {
    const dataDir = createDirectory();
    createUsageLedger({ dataDir }).record(billed('resp_before'));
    const file = join(dataDir, usageLedgerFileName);
    appendFileSync(file, '{"id":"resp_torn","endpo');
    const warnings: string[] = [];
    const reopened = createUsageLedger({
      dataDir,
      logger: { info: () => {}, warn: (message) => warnings.push(message) },
      retainedObjects: 0,
    });
    expect(warnings).toEqual([expect.stringContaining('dropped a torn last line')]);
    reopened.record(billed('resp_after'));
    const again = createUsageLedger({ dataDir, retainedObjects: 0 });
    expect(again.entries().map((entry) => entry.id)).toEqual(['resp_before', 'resp_after']);
    expect(again.find({ endpoint: 'responses', id: 'resp_after' })).toEqual(billed('resp_after'));
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
  });

  it('refuses to start on a damaged line that is not the last, naming file and line', () => {
    const dataDir = createDirectory();
    const file = join(dataDir, usageLedgerFileName);
    appendFileSync(file, `not json\n${JSON.stringify(billed('resp_ok'))}\n`);
    expect(() => createUsageLedger({ dataDir })).toThrow(`${file}, line 1: not JSON`);
  });
});
