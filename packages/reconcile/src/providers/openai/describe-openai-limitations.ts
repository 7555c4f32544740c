import type { ReconcileDimensions } from '../../usage-key.js';

/** Says plainly what a reconciliation with OpenAI's reports, split by these dimensions, cannot tell. */
export function describeOpenAILimitations(dimensions: ReconcileDimensions): string[] {
  const limitations = [
    "OpenAI's usage has no end-customer dimension: this compares totals per model and day, not per customer. Per-customer reconciliation needs one OpenAI project or API key per customer, carried on the events as a project_id or api_key_id dimension.",
    "OpenAI's costs of a day cover every line item billed to the organisation (tools, audio, images, other apps); the metered cost covers the metered completions and embeddings tokens only, priced with @llm-meter/prices.",
    'Requests are not compared: the shipped meters sum tokens and count no requests.',
  ];
  if (!dimensions.serviceTier) {
    limitations.push(
      'The meters carry no service_tier dimension: all tiers of a model are compared together.',
    );
  }
  if (!dimensions.projectId && !dimensions.apiKeyId) {
    limitations.push(
      "The meters carry no project_id or api_key_id: usage of the organisation's other projects and keys shows as drift.",
    );
  }
  return limitations;
}
