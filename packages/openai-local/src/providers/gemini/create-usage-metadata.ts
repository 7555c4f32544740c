/**
 * Gemini's `usageMetadata` for a response so far, as the API words it: `promptTokenCount`
 * includes `cachedContentTokenCount`, `thoughtsTokenCount` is outside `candidatesTokenCount`,
 * `totalTokenCount` is their sum, and zero counts are left out (proto3 JSON).
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function createUsageMetadata({
  promptTokens,
  cachedTokens,
  candidatesTokens,
  thoughtsTokens,
}: {
  promptTokens: number;
  cachedTokens: number;
  candidatesTokens: number;
  thoughtsTokens: number;
}): Record<string, unknown> {
  const usage: Record<string, unknown> = {};
  if (promptTokens > 0) usage.promptTokenCount = promptTokens;
  if (candidatesTokens > 0) usage.candidatesTokenCount = candidatesTokens;
  const total = promptTokens + candidatesTokens + thoughtsTokens;
  if (total > 0) usage.totalTokenCount = total;
  if (cachedTokens > 0) usage.cachedContentTokenCount = cachedTokens;
  usage.promptTokensDetails = [
    promptTokens > 0 ? { modality: 'TEXT', tokenCount: promptTokens } : { modality: 'TEXT' },
  ];
  if (cachedTokens > 0) usage.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: cachedTokens }];
  if (thoughtsTokens > 0) usage.thoughtsTokenCount = thoughtsTokens;
  return usage;
}
