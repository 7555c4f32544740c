import { randomUUID } from 'node:crypto';
import type { StreamMeterOptions } from '@llm-meter/meter-core';
import { createMeteredIterable } from '@llm-meter/meter-core/push';
import {
  createStreamJournal,
  type JournaledStreamMeter,
  type StreamChunkReader,
} from './create-stream-journal.js';
import type { MeterStreamIntoOutboxOptions } from './meter-stream-into-outbox-options.js';

/**
 * Meters a stream into the outbox through a journal, for one API's meter and chunk reader: a
 * provisional id (the caller's fallback id, or a generated one) keys the prompt estimate until a
 * chunk names the stream, and is the id of a stream that fails before its first chunk; the
 * clock dates it. The journal is opened before the first chunk and completed with the final
 * event, which the caller's `onUsage` then sees with the response id.
 */
export function meterJournaledStream<Chunk>({
  input: {
    stream,
    outbox,
    signal,
    onUsage,
    onUsageError,
    options: meterOptions,
    generateId = randomUUID,
    onJournalError = () => undefined,
  },
  createMeter,
  reader,
}: {
  input: MeterStreamIntoOutboxOptions<Chunk>;
  createMeter: (options: StreamMeterOptions) => JournaledStreamMeter<Chunk>;
  reader: StreamChunkReader<Chunk>;
}): AsyncIterableIterator<Chunk> {
  const options = {
    ...meterOptions,
    fallbackId: meterOptions.fallbackId ?? generateId(),
    now: meterOptions.now ?? (() => new Date()),
  };
  const journal = createStreamJournal<Chunk>({
    meter: createMeter(options),
    reader,
    outbox,
    encoding: options.encoding,
    onJournalError,
  });
  journal.start();
  return createMeteredIterable<Chunk>({
    stream,
    meter: journal,
    callbacks: {
      signal,
      onUsageError,
      onUsage(event) {
        journal.complete(event);
        onUsage?.(event, { responseId: journal.responseId });
      },
    },
  });
}
