import type { ReconcileDimensions } from '../../usage-key.js';

/**
 * Says plainly what a reconciliation with Anthropic's Admin API reports, split by these
 * dimensions, cannot tell.
 * @see https://docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report
 */
export function describeAnthropicLimitations(dimensions: ReconcileDimensions): string[] {
  const limitations = [
    "Anthropic's usage report has no end-customer dimension: this compares totals per model and day. Per-customer reconciliation needs one workspace or API key per customer, carried on the events as a project_id (the workspace) or api_key_id dimension.",
    "Anthropic's costs of a day cover everything billed to the organisation (web searches, code execution, other apps); the metered cost covers the metered tokens only, priced with @llm-meter/prices (cache writes from the llm_cache_write_tokens meter, the 1-hour ones of them from llm_cache_write_1h_tokens at the 1-hour rate).",
    'Requests are not compared: the usage report counts none.',
    "Anthropic returns no past message's usage, so a stream that ended without its usage (aborted, failed) stays an estimate: where a row differs by no more than its estimated tokens, the difference is known drift (marked ~), not counted past the threshold.",
  ];
  if (!dimensions.serviceTier) {
    limitations.push(
      'The meters carry no service_tier dimension: all tiers of a model are compared together.',
    );
  }
  if (!dimensions.projectId && !dimensions.apiKeyId) {
    limitations.push(
      "The meters carry no project_id or api_key_id: usage of the organisation's other workspaces and keys shows as drift.",
    );
  }
  return limitations;
}
