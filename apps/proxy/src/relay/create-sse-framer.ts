/** One complete server-sent event: its bytes exactly as received, and its `data` text. */
export interface SseEvent {
  bytes: Uint8Array;
  /** The event's `event:` field, if any (Responses streams name every event). */
  event: string | undefined;
  /** The `data:` lines joined by "\n"; undefined for an event without data (a comment). */
  data: string | undefined;
}

/**
 * Splits a streamed answer's bytes into whole events, push-based: server-sent events
 * ({@link createSseFramer}), or another provider's stream format (a streamed JSON array), each
 * event with its bytes exactly as received and its `data` text.
 */
export interface StreamFramer {
  push(chunk: Uint8Array): SseEvent[];
  flush(): SseEvent[];
}

/**
 * Splits a byte stream into whole server-sent events, push-based: `push(bytes)` returns the
 * events completed by these bytes (each with its original bytes, so it can be forwarded
 * unchanged), `flush()` the unterminated rest. Only the bytes of an unfinished event are held.
 */
export function createSseFramer(): StreamFramer {
  let pending = new Uint8Array(0);
  const decoder = new TextDecoder();

  const parse = (bytes: Uint8Array): SseEvent => {
    const text = decoder.decode(bytes);
    let event: string | undefined;
    const data: string[] = [];
    for (const line of text.split(/\r\n|\r|\n/)) {
      if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
      else if (line.startsWith('event:')) event = line.slice(line[6] === ' ' ? 7 : 6);
    }
    return { bytes, event, data: data.length > 0 ? data.join('\n') : undefined };
  };

  return {
    push(chunk: Uint8Array): SseEvent[] {
      const buffer = pending.length === 0 ? chunk : concat(pending, chunk);
      const events: SseEvent[] = [];
      let start = 0;
      for (let index = 0; index < buffer.length; index++) {
        const end = eventEnd(buffer, index);
        if (end === -1) continue;
        events.push(parse(buffer.subarray(start, end)));
        start = end;
        index = end - 1;
      }
      pending = start === buffer.length ? new Uint8Array(0) : buffer.slice(start);
      return events;
    },
    flush(): SseEvent[] {
      if (pending.length === 0) return [];
      const rest = parse(pending);
      pending = new Uint8Array(0);
      return [rest];
    },
  };
}

const LF = 10;
const CR = 13;

// The end (exclusive) of an event whose blank line starts at `index`: "\n\n", "\r\n\r\n" or
// "\r\r"; -1 when none starts there.
function eventEnd(buffer: Uint8Array, index: number): number {
  const byte = buffer[index];
  if (byte === LF && buffer[index + 1] === LF) return index + 2;
  if (
    byte === CR &&
    buffer[index + 1] === LF &&
    buffer[index + 2] === CR &&
    buffer[index + 3] === LF
  ) {
    return index + 4;
  }
  if (byte === CR && buffer[index + 1] === CR) return index + 2;
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
