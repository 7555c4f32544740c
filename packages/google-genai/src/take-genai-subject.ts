import { type SdkRequestOptions, takeSubjectHeader } from '@llm-meter/metering/sdk';

/** The `@google/genai` parameters of one call, as far as metering reads them. */
export interface GenAIParams {
  model?: unknown;
  config?:
    | {
        abortSignal?: AbortSignal | null | undefined;
        /** `headers`: the per-call headers. */
        httpOptions?: SdkRequestOptions | undefined;
        [option: string]: unknown;
      }
    | undefined;
  [parameter: string]: unknown;
}

/**
 * Reads the `x-llm-meter-subject` header out of a call's `config.httpOptions.headers` (where
 * `@google/genai` takes per-call headers) and returns the parameters without it (a copy; the
 * caller's object is never changed), so it never reaches Google.
 */
export function takeGenAISubject(params: GenAIParams): {
  subject: string | undefined;
  params: GenAIParams;
} {
  const httpOptions = params?.config?.httpOptions;
  const taken = takeSubjectHeader(httpOptions);
  if (taken.subject === undefined) return { subject: undefined, params };
  return {
    subject: taken.subject,
    params: { ...params, config: { ...params.config, httpOptions: taken.options } },
  };
}
