/**
 * One result of `GET /v1/organization/usage/completions`: aggregated completions usage of one
 * time bucket, for one combination of the `group_by` fields (the others are null).
 */
export interface OpenAIUsageCompletionsResult {
  object: 'organization.usage.completions.result';
  /** Input tokens, cached ones included. */
  input_tokens: number;
  input_cached_tokens?: number | null;
  input_cache_write_tokens?: number | null;
  output_tokens: number;
  input_audio_tokens?: number | null;
  output_audio_tokens?: number | null;
  num_model_requests: number;
  project_id?: string | null;
  user_id?: string | null;
  api_key_id?: string | null;
  model?: string | null;
  batch?: boolean | null;
  service_tier?: string | null;
}

/**
 * One result of `GET /v1/organization/usage/embeddings`: aggregated embeddings usage of one time
 * bucket, for one combination of the `group_by` fields (`project_id`, `user_id`, `api_key_id`,
 * `model`; no served tier or batch).
 */
export interface OpenAIUsageEmbeddingsResult {
  object: 'organization.usage.embeddings.result';
  input_tokens: number;
  num_model_requests: number;
  project_id?: string | null;
  user_id?: string | null;
  api_key_id?: string | null;
  model?: string | null;
}

/**
 * One result of `GET /v1/organization/costs`: an amount for one line item (and project).
 */
export interface OpenAICostsResult {
  object: 'organization.costs.result';
  amount: { value: number; currency: string };
  line_item?: string | null;
  project_id?: string | null;
}

/**
 * A time bucket of the organisation Usage or Costs API (`start_time`, `end_time` in Unix
 * seconds, end exclusive).
 */
export interface OpenAIBucket<Result> {
  object: 'bucket';
  start_time: number;
  end_time: number;
  results: Result[];
}

/**
 * A page of buckets; `next_page` is passed back as `page` while `has_more` is true.
 */
export interface OpenAIBucketPage<Result> {
  object: 'page';
  data: OpenAIBucket<Result>[];
  has_more: boolean;
  next_page: string | null;
}
