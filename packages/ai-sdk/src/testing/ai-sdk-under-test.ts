// One AI SDK major and its providers, as the test suite drives them: `ai` 6 with
// `@ai-sdk/*` 3, or `ai` 7 with `@ai-sdk/*` 4 (aliased `ai7`, `ai7-openai`, ...).

/** The functions of one AI SDK major the tests call, typed loosely across majors. */
export interface AiSdkUnderTest {
  name: string;
  specificationVersion: 'v3' | 'v4';
  // biome-ignore lint/suspicious/noExplicitAny: the two majors' types differ; the tests read plain fields.
  ai: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  createOpenAI: (options: { baseURL: string; apiKey: string }) => any;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  createAnthropic: (options: { baseURL: string; apiKey: string }) => any;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  createGoogleGenerativeAI: (options: { baseURL: string; apiKey: string }) => any;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  APICallError: any;
}
