/**
 * What a request will cost at most, as far as it can be known before it is sent: for budgets
 * (its worst case) and for streams that end before the provider's usage arrives.
 */
export interface RequestEstimate {
  /** The prompt as the provider counts it (an estimate where no exact count is local). */
  promptTokens: number;
  /** Prompt parts whose tokens cannot be counted locally (an image by URL, audio, a file). */
  excludedParts: number;
  /** The output limit the request set, per choice; undefined when it set none. */
  maxOutputTokens: number | undefined;
  /** How many answers the request asks for (OpenAI's `n`); 1 otherwise. */
  choices: number;
}

/**
 * One provider's knowledge the neutral code needs, reached through the registry
 * (`getUsageProvider`), never by importing a provider folder.
 */
export interface UsageProvider {
  /** The `provider` its events carry, as OpenMeter's LLM cost database names it: `openai`. */
  id: string;
  /**
   * Estimates a request body (any of the provider's metered endpoints) before it is sent.
   * Throws a TypeError naming the field it cannot read.
   */
  estimateRequest(request: unknown): RequestEstimate;
}
