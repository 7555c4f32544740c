/**
 * One OpenMeter API call behind numbers on a page: shown with the numbers (and copyable as a
 * curl command) so a user can check them. Never carries the API key.
 */
export interface ShownQuery {
  /** Anchor of the query on its page, e.g. `q-llm_prompt_tokens-1`. */
  id: string;
  /** `GET` (v1's queries, v3's lists) or `POST` (v3's meter queries, with a JSON `body`). */
  method: 'GET' | 'POST';
  /** The full URL, query string included. */
  url: string;
  /** The JSON body a `POST` sends. */
  body?: unknown;
}
