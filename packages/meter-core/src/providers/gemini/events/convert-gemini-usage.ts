import { parseTokenCount } from '../../../events/parse-token-count.js';
import { UsageEventError } from '../../../events/usage-event-error.js';
import { checkUsageRecord } from '../../../usage/check-usage-record.js';
import type { UsageField, UsageRecord } from '../../../usage/usage-record.js';
import type { GeminiModalityTokenCount, GeminiUsageMetadata } from './gemini-response-types.js';
import { readGeminiModality } from './read-gemini-enum.js';

const promptModalityFields: Readonly<Record<string, UsageField>> = {
  AUDIO: 'prompt_audio_tokens',
  IMAGE: 'prompt_image_tokens',
  VIDEO: 'prompt_video_tokens',
};
const candidatesModalityFields: Readonly<Record<string, UsageField>> = {
  AUDIO: 'completion_audio_tokens',
  IMAGE: 'completion_image_tokens',
};

const fieldNames: Partial<Record<UsageField, string>> = {
  prompt_tokens: 'usageMetadata.promptTokenCount + usageMetadata.toolUsePromptTokenCount',
  completion_tokens: 'usageMetadata.candidatesTokenCount + usageMetadata.thoughtsTokenCount',
  total_tokens: 'usageMetadata.totalTokenCount',
  cached_tokens: 'usageMetadata.cachedContentTokenCount',
  reasoning_tokens: 'usageMetadata.thoughtsTokenCount',
  tool_use_prompt_tokens: 'usageMetadata.toolUsePromptTokenCount',
  prompt_audio_tokens: 'usageMetadata.promptTokensDetails[AUDIO]',
  prompt_image_tokens: 'usageMetadata.promptTokensDetails[IMAGE]',
  prompt_video_tokens: 'usageMetadata.promptTokensDetails[VIDEO]',
  completion_audio_tokens: 'usageMetadata.candidatesTokensDetails[AUDIO]',
  completion_image_tokens: 'usageMetadata.candidatesTokensDetails[IMAGE]',
};

/**
 * Converts Gemini's `usageMetadata` into {@link UsageRecord}: input billed =
 * `promptTokenCount` (cache reads included) + `toolUsePromptTokenCount`, output billed =
 * `candidatesTokenCount` + `thoughtsTokenCount`, with cache reads, thoughts, server-tool input
 * and the audio / image / video modalities where reported. Absent counts are zero (proto3 JSON),
 * but a usage without `promptTokenCount` is refused, as is a `totalTokenCount` that is not the
 * sum: a {@link UsageEventError} names Gemini's field. Embeddings report no total: pass
 * `totalOptional: true`.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function convertGeminiUsage({
  usage,
  totalOptional = false,
  promptOptional = false,
}: {
  usage: GeminiUsageMetadata;
  /** The total may be absent (embeddings): it is then the sum. */
  totalOptional?: boolean | undefined;
  /** The prompt may be absent (a stream's early chunks, read as a floor). */
  promptOptional?: boolean | undefined;
}): UsageRecord {
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) {
    throw new UsageEventError({ field: 'usageMetadata', message: 'must be an object' });
  }
  const count = (key: keyof GeminiUsageMetadata) =>
    parseTokenCount({ value: usage[key], field: `usageMetadata.${key}`, optional: true }) ?? 0;
  const prompt = parseTokenCount({
    value: usage.promptTokenCount,
    field: 'usageMetadata.promptTokenCount',
    optional: promptOptional,
  });
  const promptTokenCount = prompt ?? 0;
  const toolUse = count('toolUsePromptTokenCount');
  const candidates = count('candidatesTokenCount');
  const thoughts = count('thoughtsTokenCount');
  const cached = count('cachedContentTokenCount');
  if (cached > promptTokenCount) {
    // promptTokenCount includes the cache reads; more cached than prompt would bill them twice.
    throw new UsageEventError({
      field: 'usageMetadata.cachedContentTokenCount',
      message: `${cached} exceeds usageMetadata.promptTokenCount (${promptTokenCount}), which includes it`,
    });
  }
  const promptTokens = promptTokenCount + toolUse;
  const completionTokens = candidates + thoughts;
  const total = parseTokenCount({
    value: usage.totalTokenCount,
    field: 'usageMetadata.totalTokenCount',
    optional: true,
  });
  const record: UsageRecord = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: total ?? (totalOptional ? promptTokens + completionTokens : 0),
    cached_tokens: cached,
    // Gemini bills no cache writes (explicit caches are billed for storage, not per write).
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: thoughts,
  };
  if (toolUse > 0) record.tool_use_prompt_tokens = toolUse;
  const promptDetails = usage.promptTokensDetails ?? usage.promptTokenDetails;
  const promptDetailsName = usage.promptTokensDetails
    ? 'promptTokensDetails'
    : 'promptTokenDetails';
  addModalities({
    record,
    lists: [
      [promptDetailsName, promptDetails],
      ['toolUsePromptTokensDetails', usage.toolUsePromptTokensDetails],
    ],
    fields: promptModalityFields,
  });
  addModalities({
    record,
    lists: [['candidatesTokensDetails', usage.candidatesTokensDetails]],
    fields: candidatesModalityFields,
  });
  return checkUsageRecord({ usage: record, fields: fieldNames });
}

/** Sums per-modality lists into the record's modality fields, for the modalities listed. */
function addModalities({
  record,
  lists,
  fields,
}: {
  record: UsageRecord;
  lists: ReadonlyArray<
    readonly [string, ReadonlyArray<GeminiModalityTokenCount> | null | undefined]
  >;
  fields: Readonly<Record<string, UsageField>>;
}): void {
  for (const [name, list] of lists) {
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      throw new UsageEventError({ field: `usageMetadata.${name}`, message: 'must be a list' });
    }
    list.forEach((entry: GeminiModalityTokenCount | null | undefined, index) => {
      const field = fields[readGeminiModality(entry?.modality) ?? ''];
      if (field === undefined) return;
      const tokens =
        parseTokenCount({
          value: entry?.tokenCount,
          field: `usageMetadata.${name}[${index}].tokenCount`,
          optional: true,
        }) ?? 0;
      record[field] = (record[field] ?? 0) + tokens;
    });
  }
}
