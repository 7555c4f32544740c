import { getUsageProvider } from '@llm-meter/meter-core';

/** The request fields the worst case reads; any request body of the provider fits. */
export interface BudgetRequest {
  model?: string | null | undefined;
  [field: string]: unknown;
}

/**
 * The most tokens a call can bill: its prompt, counted by the provider's estimator in
 * meter-core (the one that estimates streams), each part it cannot count booked at
 * `excludedPartTokens`, plus the output limit the request set (times its choices), or
 * `defaultMaxOutputTokens` when it set none. Embeddings have no output.
 */
export function estimateWorstCase({
  request,
  provider = 'openai',
  defaultMaxOutputTokens,
  excludedPartTokens,
}: {
  request: BudgetRequest;
  /** Whose request it is (meter-core's provider id). Default `openai`. */
  provider?: string | undefined;
  defaultMaxOutputTokens: number;
  /** Booked for each part whose tokens cannot be counted (an image by URL, audio, a file). */
  excludedPartTokens: number;
}): number {
  const estimate = getUsageProvider(provider).estimateRequest(request);
  return (
    estimate.promptTokens +
    estimate.excludedParts * excludedPartTokens +
    (estimate.maxOutputTokens ?? defaultMaxOutputTokens) * estimate.choices
  );
}
