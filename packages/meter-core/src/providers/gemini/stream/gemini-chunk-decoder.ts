import type { GenerateContentResponseLike } from '../events/gemini-response-types.js';

/** What a decoded piece of a stream body held: chunks, and pieces that were not JSON. */
export interface GeminiDecodedChunks {
  chunks: GenerateContentResponseLike[];
  /** Payloads that did not parse as JSON objects (counted, never thrown). */
  invalid: number;
}

/**
 * Push-based decoder of a `:streamGenerateContent` response body into its chunks, with no I/O:
 * `decode(text)` with each piece of text as it arrives (decode bytes with a streaming
 * `TextDecoder`), `flush()` at the end. It reads both forms Gemini sends: server-sent events
 * (`alt=sse`, one `data:` payload per event) and, without `alt=sse`, one JSON array whose
 * elements arrive over time. The form is told from the first character that is not
 * whitespace (`[` is an array).
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export class GeminiChunkDecoder {
  #form: 'sse' | 'array' | undefined;
  // SSE: the incomplete line and the data lines of the current event.
  #line = '';
  #data: string[] = [];
  // JSON array: the current element's text and the scanner's state.
  #element = '';
  #depth = 0;
  #inString = false;
  #escaped = false;

  /** Decodes the next piece of the body, returning the chunks it completed. */
  decode(text: string): GeminiDecodedChunks {
    const result: GeminiDecodedChunks = { chunks: [], invalid: 0 };
    let rest = text;
    if (this.#form === undefined) {
      const start = rest.search(/\S/);
      if (start === -1) return result;
      this.#form = rest[start] === '[' ? 'array' : 'sse';
      if (this.#form === 'array') rest = rest.slice(start + 1);
    }
    if (this.#form === 'array') this.#scanArray(rest, result);
    else this.#scanSse(rest, result);
    return result;
  }

  /** Ends the body: an SSE event without its closing blank line still counts. */
  flush(): GeminiDecodedChunks {
    const result: GeminiDecodedChunks = { chunks: [], invalid: 0 };
    if (this.#form === 'sse') {
      const line = this.#line.replace(/\r$/, '');
      if (line !== '') this.#readLine(line, result);
      this.#line = '';
      this.#dispatch(result);
    }
    // An array element cut off before its closing brace is not a chunk: the stream ended badly.
    return result;
  }

  #scanSse(text: string, result: GeminiDecodedChunks): void {
    let combined = this.#line + text;
    // A trailing '\r' may be the first half of '\r\n': keep it for the next piece.
    const heldReturn = combined.endsWith('\r') ? '\r' : '';
    if (heldReturn) combined = combined.slice(0, -1);
    const lines = combined.split(/\r\n|\r|\n/);
    this.#line = (lines.pop() ?? '') + heldReturn;
    for (const line of lines) this.#readLine(line, result);
  }

  #readLine(line: string, result: GeminiDecodedChunks): void {
    if (line === '') {
      this.#dispatch(result);
      return;
    }
    if (line.startsWith('data:')) {
      this.#data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    // Other fields (event, id, retry) and comments carry nothing the meter reads.
  }

  #dispatch(result: GeminiDecodedChunks): void {
    if (this.#data.length === 0) return;
    const payload = this.#data.join('\n');
    this.#data = [];
    addParsed(payload, result);
  }

  #scanArray(text: string, result: GeminiDecodedChunks): void {
    let start = this.#depth > 0 ? 0 : -1;
    for (let index = 0; index < text.length; index += 1) {
      const char = text[index];
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (char === '\\') this.#escaped = true;
        else if (char === '"') this.#inString = false;
        continue;
      }
      if (char === '"') {
        this.#inString = true;
      } else if (char === '{' || char === '[') {
        if (this.#depth === 0) start = index;
        this.#depth += 1;
      } else if (char === '}' || char === ']') {
        if (this.#depth === 0) continue; // the array's own closing bracket
        this.#depth -= 1;
        if (this.#depth === 0) {
          addParsed(this.#element + text.slice(start, index + 1), result);
          this.#element = '';
          start = -1;
        }
      }
    }
    if (this.#depth > 0 && start !== -1) this.#element += text.slice(start);
  }
}

function addParsed(payload: string, result: GeminiDecodedChunks): void {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      result.chunks.push(value as GenerateContentResponseLike);
      return;
    }
  } catch {
    // Counted below: a broken payload must not stop the stream or its metering.
  }
  result.invalid += 1;
}
