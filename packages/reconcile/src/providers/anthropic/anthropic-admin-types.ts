/**
 * One page of Anthropic's Admin API usage or cost report: time buckets with their results.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export interface AnthropicReportPage<Result> {
  data: Array<AnthropicReportBucket<Result>>;
  has_more: boolean;
  next_page: string | null;
}

/** One time bucket of a report (RFC 3339 bounds, end exclusive). */
export interface AnthropicReportBucket<Result> {
  starting_at: string;
  ending_at: string;
  results: Result[];
}

/**
 * One result of the Messages usage report (the fields read here); ungrouped dimensions are null.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export interface AnthropicUsageResult {
  uncached_input_tokens: number;
  cache_creation?: {
    ephemeral_1h_input_tokens?: number | null;
    ephemeral_5m_input_tokens?: number | null;
  } | null;
  cache_read_input_tokens: number;
  output_tokens: number;
  server_tool_use?: { web_search_requests?: number | null } | null;
  model?: string | null;
  service_tier?: string | null;
  workspace_id?: string | null;
  api_key_id?: string | null;
}

/**
 * One result of the cost report: `amount` is in cents, as a decimal string.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-cost-report
 */
export interface AnthropicCostResult {
  currency: string;
  amount: string;
  workspace_id?: string | null;
  description?: string | null;
}
