import type { GenerateContentResponseLike } from '@llm-meter/meter-core/push';
import type { StreamChunkReader } from './create-stream-journal.js';

/**
 * Reads Gemini `:streamGenerateContent` chunks for {@link createStreamJournal}: `responseId`
 * names the stream, every part's text is billed output (thoughts included), and the last chunk
 * (with a `finishReason`) carries the final `usageMetadata`. Earlier chunks' usage is partial,
 * so it is re-counted only at the end.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export const geminiChunkReader: StreamChunkReader<GenerateContentResponseLike> = {
  streamIdOf: (chunk) =>
    typeof chunk?.responseId === 'string' && chunk.responseId !== '' ? chunk.responseId : undefined,
  generatedTextOf(chunk) {
    let text = '';
    for (const candidate of Array.isArray(chunk?.candidates) ? chunk.candidates : [])
      for (const part of Array.isArray(candidate?.content?.parts) ? candidate.content.parts : [])
        if (typeof part?.text === 'string') text += part.text;
    return text;
  },
  carriesUsage: (chunk) =>
    typeof chunk?.usageMetadata === 'object' &&
    chunk.usageMetadata !== null &&
    Array.isArray(chunk.candidates) &&
    chunk.candidates.some((candidate) => candidate?.finishReason),
};
