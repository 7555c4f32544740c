import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { RequestTimings, RequestTimingsObserver } from './relay/create-request-timings.js';

// A bench run at 200 requests/s for a few minutes stays far below this.
const maxSamples = 500_000;

/**
 * Keeps every metered request's timings in memory, with the event loop's delays and the garbage
 * collector's pauses over the same time, and writes them to `file` (one JSON line per request,
 * then one summary line) when `write` is called: nothing touches the disk while requests run.
 */
export function createTimingsRecorder({ file }: { file: string }): {
  observer: RequestTimingsObserver;
  write(): void;
} {
  const samples: RequestTimings[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const gcPauses: number[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push(entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  return {
    observer(timings) {
      if (samples.length < maxSamples) samples.push(timings);
    },
    write() {
      loopDelay.disable();
      gc.disconnect();
      const lines = samples.map((sample) => JSON.stringify(sample));
      const ms = (nanoseconds: number) => nanoseconds / 1e6;
      lines.push(
        JSON.stringify({
          summary: true,
          eventLoopDelayMs: {
            p50: ms(loopDelay.percentile(50)),
            p99: ms(loopDelay.percentile(99)),
            max: ms(loopDelay.max),
          },
          gcPausesMs: {
            count: gcPauses.length,
            total: gcPauses.reduce((sum, pause) => sum + pause, 0),
            max: Math.max(0, ...gcPauses),
          },
        }),
      );
      writeFileSync(file, `${lines.join('\n')}\n`);
    },
  };
}
