import { randomUUID } from 'node:crypto';
import type { StreamMeterOptions } from '@llm-meter/meter-core';
import type { MeterStreamIntoOutboxOptions } from './meter-stream-into-outbox-options.js';

/**
 * Completes the meter options of a journaled stream: a provisional id (the caller's fallback
 * id, or a generated one) keys the prompt estimate until a chunk names the stream, and is the id
 * of a stream that fails before its first chunk; the clock dates it.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#id
 */
export function startJournaledStream<Chunk>({
  options,
  generateId = randomUUID,
  onJournalError = () => undefined,
}: MeterStreamIntoOutboxOptions<Chunk>): {
  options: StreamMeterOptions;
  onJournalError: (error: unknown) => void;
} {
  return {
    options: {
      ...options,
      fallbackId: options.fallbackId ?? generateId(),
      now: options.now ?? (() => new Date()),
    },
    onJournalError,
  };
}
