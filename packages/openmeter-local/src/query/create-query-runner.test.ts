import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_LIMITS } from '../http/request-limits.js';
import { OpenMeterStore } from '../storage/open-meter-store.js';
import { createPromptEvent } from '../test-server.js';
import { createQueryRunner } from './create-query-runner.js';
import { parseMeterQuery } from './parse-meter-query.js';
import { runMeterQuery } from './run-meter-query.js';

const directory = mkdtempSync(join(tmpdir(), 'openmeter-local-worker-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('createQueryRunner', () => {
  it('answers from a worker thread exactly as in process, seeing each committed write', async () => {
    const dbPath = join(directory, 'worker.db');
    const store = new OpenMeterStore({ dbPath });
    const runner = createQueryRunner({ store, dbPath });
    try {
      store.createMeter({
        definition: {
          slug: 'tokens',
          eventType: 'prompt',
          aggregation: 'SUM',
          valueProperty: '$.tokens',
          groupBy: { model: '$.model' },
        },
        origin: 'api',
      });
      const meter = store.findMeter('tokens');
      if (!meter) throw new Error('meter missing');
      const query = parseMeterQuery({
        raw: { windowSize: 'HOUR', groupBy: ['subject', 'model'] },
        meter,
        limits: DEFAULT_REQUEST_LIMITS,
      });
      for (let round = 1; round <= 3; round++) {
        store.ingest({
          events: Array.from({ length: 50 }, (_, index) => ({
            event: createPromptEvent({
              id: `r${round}-${index}`,
              subject: `s${index % 4}`,
              data: { tokens: index + round, model: `m${index % 3}` },
            }),
            timeMilliseconds: Date.parse('2025-01-15T10:00:00Z') + index * 600_000,
          })),
          ingestedAtMilliseconds: 0,
        });
        const fromWorker = await runner.run({ meter, query });
        expect(fromWorker).toEqual(runMeterQuery({ store, meter, query }));
        expect(fromWorker.data.length).toBeGreaterThan(10);
      }
    } finally {
      await runner.close();
      store.close();
    }
    await expect(
      createQueryRunner({ store, dbPath: join(directory, 'worker.db') }).run({
        meter: { sequence: 999, meter: { slug: 'gone' } } as never,
        query: {} as never,
      }),
    ).rejects.toThrow(/query worker/);
  });
});
