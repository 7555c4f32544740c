import { convertTime } from '../events/create-usage-event.js';
import { UsageEventError } from '../events/usage-event-error.js';
import type { StreamMeterOptions } from './stream-meter-options.js';

/**
 * Picks a stream's event id and time: the ones its chunks carried, else the caller's fallback
 * id and clock. Throws {@link UsageEventError} (field `id` or `created`) when neither exists,
 * which happens only when the stream failed before its first chunk.
 */
export function resolveStreamIdentity({
  id,
  time,
  options,
}: {
  id: string | undefined;
  time: string | undefined;
  options: StreamMeterOptions;
}): { id: string; time: string } {
  const resolvedId = id ?? options.fallbackId;
  if (!resolvedId) {
    throw new UsageEventError({
      field: 'id',
      message:
        'the stream ended before any chunk carried an id: pass options.fallbackId to meter such streams',
    });
  }
  if (time !== undefined) return { id: resolvedId, time };
  if (!options.now) {
    throw new UsageEventError({
      field: 'created',
      message:
        'the stream ended before any chunk carried a time: pass options.now to meter such streams',
    });
  }
  return { id: resolvedId, time: convertTime({ value: options.now(), field: 'options.now' }) };
}
