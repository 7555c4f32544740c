/**
 * The recorded sources (projects) set aside for evaluation: the prompt rules are never fitted on
 * them, and the accuracy gate is measured on them only. Split by source, not by row, because
 * rows of one project share its schemas, tools and prompts: a rule fitted on some rows of a
 * project would look right on the others for the wrong reason. One large and one small source
 * from `../shared/fixtures/openai/` and one from `openai-extra/`, chosen for covering every gated
 * category (plain text, tools, tool-call history, chat and Responses json_schema).
 */
export const setAsideSources: ReadonlySet<string> = new Set([
  'traceloop/openllmetry',
  'open-telemetry/opentelemetry-python-contrib',
  'activeagents/activeagent',
]);

/** Whether the rules may be fitted on a source's records, or it is set aside for evaluation. */
export function splitOfSource(source: string): 'fitted' | 'set-aside' {
  return setAsideSources.has(source) ? 'set-aside' : 'fitted';
}
