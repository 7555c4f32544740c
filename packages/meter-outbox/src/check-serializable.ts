import { InvalidUsageEventError } from './errors.js';

/**
 * Runs `write` (which serialises an event) and turns JSON.stringify's own refusals (BigInt,
 * cycles) into an {@link InvalidUsageEventError}: they are the caller's input, not a disk
 * problem. Storage failures arrive as `OutboxWriteError`, bugs as themselves.
 */
export function checkSerializable<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof TypeError && /BigInt|circular/i.test(error.message)) {
      throw new InvalidUsageEventError(
        'event',
        `Usage event is not JSON-serializable (${error.message}); it was NOT recorded. Use plain JSON values in \`data\`.`,
        { cause: error },
      );
    }
    throw error;
  }
}
