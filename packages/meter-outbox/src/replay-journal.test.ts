import { describe, expect, it } from 'vitest';
import { replayJournal } from './replay-journal.js';
import { createTestEvent } from './testing/start-test-openmeter.js';

const event = (index: number) => createTestEvent({ index });

describe('replayJournal', () => {
  it('keeps unacknowledged events and open streams, in sequence order', () => {
    const replayed = replayJournal([
      { k: 'event', s: 1, t: 1, e: event(1) },
      { k: 'event', s: 2, t: 2, e: event(2) },
      { k: 'stream-open', s: 3, t: 3, e: event(3) },
      { k: 'stream-open', s: 4, t: 4, e: event(4) },
      { k: 'stream-open', s: 5, t: 5, e: event(5) },
      { k: 'ack', s: [1] },
      { k: 'stream-complete', s: 3, n: 6, t: 6, e: event(3) },
      { k: 'stream-abandon', s: 5 },
    ]);
    expect(replayed.events.map((entry) => entry.sequence)).toEqual([2, 6]);
    expect(replayed.openStreams.map((entry) => entry.sequence)).toEqual([4]);
    expect(replayed.nextSequence).toBe(7);
  });

  it('treats acknowledgements as sticky against records copied forward later', () => {
    const replayed = replayJournal([
      { k: 'event', s: 1, t: 1, e: event(1) },
      { k: 'ack', s: [1] },
      { k: 'event', s: 1, t: 1, e: event(1) },
      { k: 'stream-abandon', s: 2 },
      { k: 'stream-open', s: 2, t: 2, e: event(2) },
    ]);
    expect(replayed.events).toEqual([]);
    expect(replayed.openStreams).toEqual([]);
  });

  it('lets a recovery rewrite (event with the stream sequence) close the stream', () => {
    const replayed = replayJournal([
      { k: 'stream-open', s: 1, t: 1, e: event(1) },
      { k: 'event', s: 1, t: 1, e: event(1) },
    ]);
    expect(replayed.openStreams).toEqual([]);
    expect(replayed.events.map((entry) => entry.sequence)).toEqual([1]);
  });
});
