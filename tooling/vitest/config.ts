import { defineConfig } from 'vitest/config';

// Workspace packages export a `@llm-meter/source` condition (scoped, so no consumer's tooling
// picks it up by accident) pointing at their TypeScript entry, so tests
// run against the code beside them without a build step in between.
const conditions = ['@llm-meter/source', 'module', 'node', 'import', 'default'];

/** Shared Vitest configuration for every package and app of the workspace. */
export const vitestConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    // Hang guards only, never speed claims: CI may run on a busy 2-core machine, where a test that
    // spawns servers or child processes can take minutes (tests that start a few TypeScript
    // child processes in turn took over two minutes at a load average of 50).
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // `expect.poll` waits for an event, so its timeout is a hang guard too, not vitest's 1 s
    // default (a deadline a loaded machine misses).
    expect: { poll: { timeout: 300_000 } },
  },
});
