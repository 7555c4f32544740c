import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { vitestConfig } from '../../tooling/vitest/config.js';

// Every test runs twice: against @google/genai 3 (the current major) and against 2 (the previous
// one, installed as `genai2`), with `@google/genai` resolved to it for the wrapper too, as in a
// project that has 2 installed (so a budget refusal is that SDK's own ApiError).
const genai2 = fileURLToPath(new URL('./node_modules/genai2/dist/node/index.mjs', import.meta.url));

export default mergeConfig(
  vitestConfig,
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: 'genai 3', env: { GENAI_MAJOR: '3' } } },
        {
          extends: true,
          resolve: { alias: [{ find: /^@google\/genai$/, replacement: genai2 }] },
          test: { name: 'genai 2', env: { GENAI_MAJOR: '2' }, typecheck: { enabled: false } },
        },
      ],
    },
  }),
);
